/**
 * Packer's HCL2 functions, one test per function: HCL source in, the evaluated value out; an
 * error with its message and its location (the call, line 2 column 7 of the wrapper), an
 * unknown with its reason. The expected values were compared with `packer console` (Packer
 * 1.6.6) for every function 1.6.6 has, and with the go-cty, go-cty-funcs, go-cty-yaml and
 * Packer sources for the others (current Packer is the reference where they differ).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FUNCTIONS, NOT_EVALUATED } from '../../../src/templates/packer-hcl/functions.js';
import { run, type Plain } from './evaluate-expression.js';

/** Every function Packer registers (hcl2template/functions.go, Packer 1.16.0-dev, July 2026). */
const PACKER_FUNCTIONS = [
  'abs', 'abspath', 'alltrue', 'anytrue', 'aws_secretsmanager', 'aws_secretsmanager_raw', 'base64decode', 'base64encode',
  'base64gzip', 'basename', 'bcrypt', 'can', 'ceil', 'chomp', 'chunklist', 'cidrhost', 'cidrnetmask', 'cidrsubnet',
  'cidrsubnets', 'coalesce', 'coalescelist', 'compact', 'concat', 'consul_key', 'contains', 'convert', 'csvdecode',
  'dirname', 'distinct', 'element', 'endswith', 'file', 'filebase64', 'fileexists', 'fileset', 'flatten', 'floor',
  'format', 'formatdate', 'formatlist', 'indent', 'index', 'join', 'jsondecode', 'jsonencode', 'keys', 'legacy_isotime',
  'legacy_strftime', 'length', 'log', 'lookup', 'lower', 'max', 'md5', 'merge', 'min', 'parseint', 'pathexpand', 'pow',
  'range', 'regex', 'regex_replace', 'regexall', 'replace', 'reverse', 'rfc3339_parse', 'rsadecrypt', 'setintersection',
  'setproduct', 'setunion', 'sha1', 'sha256', 'sha512', 'signum', 'slice', 'sort', 'split', 'startswith', 'strcontains',
  'strrev', 'substr', 'sum', 'templatefile', 'textdecodebase64', 'textencodebase64', 'timeadd', 'timestamp', 'title',
  'trim', 'trimprefix', 'trimspace', 'trimsuffix', 'try', 'unix_timestamp_parse', 'upper', 'urlencode', 'uuidv4',
  'uuidv5', 'values', 'vault', 'yamldecode', 'yamlencode', 'zipmap',
];

/** Tested with files in functions-files.test.ts, or needing the environment. */
const TESTED_ELSEWHERE = new Set(['file', 'filebase64', 'fileexists', 'fileset', 'abspath', 'pathexpand', 'templatefile', 'env']);

const CASES: Readonly<Record<string, readonly (readonly [string, Plain])[]>> = {
  abs: [
    ['abs(-3.5)', 3.5],
    ['abs("x")', {"error":"function abs() needs a number","at":"2:7"}],
  ],
  alltrue: [
    ['alltrue([true, "true"])', true],
    ['alltrue([])', true],
    ['alltrue(["x"])', {"error":"function alltrue(): invalid value for argument 1: list of bool required, found a string","at":"2:7"}],
  ],
  anytrue: [
    ['anytrue([false, "true"])', true],
    ['anytrue([])', false],
    ['anytrue([true, "x"])', {"error":"function anytrue(): invalid value for argument 1: list of bool required, found a string","at":"2:7"}],
  ],
  aws_secretsmanager: [
    ['aws_secretsmanager("a", "b")', {"unknown":"function aws_secretsmanager() is not evaluated: it reads a secret from AWS Secrets Manager at build time"}],
  ],
  aws_secretsmanager_raw: [
    ['aws_secretsmanager_raw("x")', {"unknown":"function aws_secretsmanager_raw() is not evaluated: it reads a secret from AWS Secrets Manager at build time"}],
  ],
  base64decode: [
    ['base64decode("SGVsbG8gV29ybGQ=")', "Hello World"],
    ['base64decode("%%%")', {"error":"function base64decode(): failed to decode base64 data '%%%'","at":"2:7"}],
    ['base64decode("")', ""],
    ['base64decode("/w==")', {"error":"function base64decode(): the result of decoding the the provided string is not valid UTF-8","at":"2:7"}],
  ],
  base64encode: [
    ['base64encode("Hello World")', "SGVsbG8gV29ybGQ="],
    ['base64encode("")', ""],
  ],
  base64gzip: [
    ['base64gzip("x")', {"unknown":"function base64gzip() is not evaluated: its bytes depend on Go's gzip encoder"}],
  ],
  basename: [
    ['basename("/foo/bar/baz.txt")', "baz.txt"],
    ['basename("a/b/")', "b"],
    ['basename("")', "."],
    ['basename("/")', "/"],
  ],
  bcrypt: [
    ['bcrypt("x")', {"unknown":"function bcrypt() is not evaluated: its value uses a random salt"}],
  ],
  can: [
    ['can(regex_replace("a", "(", "b"))', false],
    ['can(regex("(", "a"))', false],
    ['can(file)', false],
    ['can(lookup({}, "a"))', false],
  ],
  ceil: [
    ['ceil(1.2)', 2],
    ['ceil(-1.5)', -1],
  ],
  chomp: [
    ['chomp("hello\\r\\n\\n")', "hello"],
    ['chomp("a\\n\\r")', "a"],
    ['chomp("a\\r")', "a"],
  ],
  chunklist: [
    ['chunklist(["a", "b", "c", "d", "e"], 2)', [["a","b"],["c","d"],["e"]]],
    ['chunklist([], 3)', []],
    ['chunklist(["a"], 0)', [["a"]]],
    ['chunklist(["a"], -1)', {"error":"function chunklist(): the size argument must be positive","at":"2:7"}],
    ['chunklist([1, 2, 3], 1)', [[1],[2],[3]]],
  ],
  cidrhost: [
    ['cidrhost("10.0.0.0/8", 1)', {"unknown":"function cidrhost() is not evaluated: network address functions are not evaluated"}],
  ],
  coalesce: [
    ['coalesce("", "b", "c")', "b"],
    ['coalesce(1, "a")', "1"],
    ['coalesce(null, "", "x")', "x"],
    ['coalesce(null)', {"error":"function coalesce() found no non-null, non-empty argument","at":"2:7"}],
  ],
  coalescelist: [
    ['coalescelist([], ["c"])', ["c"]],
    ['coalescelist([], [])', []],
  ],
  compact: [
    ['compact(["a", "", "b", null])', ["a","b"]],
    ['compact([])', []],
  ],
  concat: [
    ['concat(["a"], ["b", "c"])', ["a","b","c"]],
    ['concat(["a"], "b")', {"error":"function concat() needs a list as argument 2, found a string","at":"2:7"}],
  ],
  consul_key: [
    ['consul_key("a")', {"unknown":"function consul_key() is not evaluated: it reads a key from Consul at build time"}],
  ],
  contains: [
    ['contains(["a", "b"], "a")', true],
    ['contains([1, "1"], 1)', true],
    ['contains([1, 2], "1")', false],
    ['contains([], "a")', false],
  ],
  convert: [
    ['convert(["a"], list(string))', ["a"]],
    ['convert(1, string)', "1"],
    ['convert(1, string) == "1"', true],
    ['convert(["b", "a", "b"], set(string))', ["a", "b"]],
    ['convert(["10", 9], set(number))', [9, 10]],
    ['convert("a", number)', {"error":"function convert(): the value is not a number: a number is required","at":"2:7"}],
  ],
  csvdecode: [
    ['csvdecode("a,b,c\\n1,2,3\\n4,\\"5,5\\",6")', [{"a":"1","b":"2","c":"3"},{"a":"4","b":"5,5","c":"6"}]],
    ['csvdecode("a,b\\n1\\n")', {"error":"function csvdecode(): invalid value for argument 1: record on line 2: wrong number of fields","at":"2:7"}],
    ['csvdecode("")', {"error":"function csvdecode(): invalid value for argument 1: missing header line","at":"2:7"}],
    ['csvdecode("a\\n\\"x\\"\\"y\\"")', [{"a":"x\"y"}]],
  ],
  dirname: [
    ['dirname("/foo/bar/baz.txt")', "/foo/bar"],
    ['dirname("a/b/")', "a/b"],
    ['dirname("x")', "."],
    ['dirname("")', "."],
    ['dirname("/a")', "/"],
  ],
  distinct: [
    ['distinct(["a", "b", "a", "c"])', ["a","b","c"]],
    ['distinct([1, "1", true])', ["1","true"]],
    ['distinct([])', []],
  ],
  element: [
    ['element(["a", "b", "c"], 4)', "b"],
    ['element([], 0)', {"error":"function element() cannot take an element of an empty list","at":"2:7"}],
    ['element(["a"], -1)', {"error":"function element() needs a whole, non-negative index","at":"2:7"}],
  ],
  endswith: [
    ['endswith("abc", "bc")', true],
    ['endswith("a", "ab")', false],
  ],
  flatten: [
    ['flatten([["a", "b"], [], ["c"]])', ["a","b","c"]],
    ['flatten([[["a"]], "b"])', ["a","b"]],
    ['flatten([])', []],
  ],
  floor: [
    ['floor(-1.2)', -2],
    ['floor(2)', 2],
  ],
  format: [
    ['format("Hello, %s!", "Ander")', "Hello, Ander!"],
    ['format("%d", 1.5)', {"error":"function format(): unsupported value for \"%d\" at 0: an integer is required","at":"2:7"}],
    ['format("%s", true)', "true"],
    ['format("%5s|%-5s|%05d", "ab", "cd", 42)', "   ab|cd   |00042"],
    ['format("%[2]d %[1]d", 1, 2)', "2 1"],
    ['format("%%d %c", 1)', {"error":"function format(): unsupported format verb \"c\" in \"%c\" at offset 4","at":"2:7"}],
    ['format("%v", true)', "true"],
    ['format("%q", 12)', "\"12\""],
    ['format("%b %o %X %#x", 5, 8, 255, 255)', "101 10 FF 0xff"],
    ['format("%.2f", 2.675)', "2.67"],
    ['format("%t", "true")', "true"],
    ['format("%v", 123456789012)', "1.23456789012e+11"],
    ['format("%s", 123456789012)', "123456789012"],
    ['format("%d", "12")', "12"],
    ['format("%s")', {"error":"function format(): not enough arguments for \"%s\" at 0: need index 1 but have 0 total","at":"2:7"}],
    ['format("%z", 1)', {"error":"function format(): unsupported format verb \"z\" in \"%z\" at offset 0","at":"2:7"}],
    ['format("%s", null)', {"error":"function format(): unsupported value for \"%s\" at 0: null value cannot be formatted","at":"2:7"}],
    ['format("%v", null)', "null"],
    ['format("")', ""],
    ['format("%-8.3s|", "abcdef")', "abc     |"],
    ['format("%+.1e", 12345)', "+1.2e+04"],
    ['format("% d", 5)', " 5"],
    ['format("%g", 100000000)', "1e+08"],
    ['format("%08.2f", -1.5)', "-0001.50"],
  ],
  formatlist: [
    ['formatlist("Hello, %s!", ["Valentina", "Ander"])', ["Hello, Valentina!","Hello, Ander!"]],
    ['formatlist("%s=%d", ["a", "b"], [1, 2])', ["a=1","b=2"]],
    ['formatlist("%s", ["a"], ["b", "c"])', {"error":"function formatlist(): argument 3 has length 2, which is inconsistent with the lists before it of length 1","at":"2:7"}],
    ['formatlist("%s-%s", ["a", "b"], "c")', ["a-c","b-c"]],
    ['formatlist("%s", [])', []],
    ['formatlist("%s", "a")', ["a"]],
  ],
  indent: [
    ['indent(4, "a\\nb\\n")', "a\n    b\n    "],
    ['indent(-1, "a")', {"error":"function indent(): invalid value for argument 1: value must not be negative","at":"2:7"}],
    ['indent(2, "a")', "a"],
  ],
  index: [
    ['index(["a", "b"], "b")', 1],
    ['index(["a"], "z")', {"error":"function index(): item not found","at":"2:7"}],
    ['index(["a", "1"], 1)', 1],
  ],
  join: [
    ['join("-", ["a", "b"], ["c"])', "a-b-c"],
    ['join(",", [])', ""],
    ['join(",", [["a"]])', {"error":"function join() cannot join a list: the list must hold strings","at":"2:7"}],
    ['join(",", ["a", null])', {"error":"function join(): invalid value for argument 2: element 1 is null; cannot concatenate null values","at":"2:7"}],
    ['join("", ["a", "b"])', "ab"],
  ],
  jsondecode: [
    ['jsondecode("{\\"a\\": [1, \\"b\\", true, null], \\"c\\": 1.5}")', {"a":[1,"b",true,null],"c":1.5}],
    ['jsondecode("[")', {"error":"function jsondecode(): invalid value for argument 1: Unexpected end of JSON input","at":"2:7"}],
    ['jsondecode("null")', null],
    ['jsondecode("\\"a\\"")', "a"],
  ],
  jsonencode: [
    ['jsonencode({a = [1, "b", true, null], c = {d = 1.5}})', "{\"a\":[1,\"b\",true,null],\"c\":{\"d\":1.5}}"],
    ['jsonencode("<a&>")', "\"\\u003ca\\u0026\\u003e\""],
    ['jsonencode([])', "[]"],
    ['jsonencode(null)', "null"],
  ],
  keys: [
    ['keys({b = 1, a = 2})', ["a","b"]],
    ['keys({})', []],
  ],
  legacy_isotime: [
    ['legacy_isotime("2006")', {"unknown":"function legacy_isotime() is not evaluated: its value is the time of the build"}],
  ],
  length: [
    ['length("🤔🤷")', 2],
    ['length({a = 1})', 1],
    ['length("e\\u0301")', 1],
    ['length([])', 0],
    ['length("")', 0],
  ],
  log: [
    ['log(16, 2)', 4],
    ['log(1, 10)', 0],
  ],
  lookup: [
    ['lookup({a = "x"}, "b", "d")', "d"],
    ['lookup({a = 1}, "b")', {"error":"function lookup() did not find the key \"b\" and has no default","at":"2:7"}],
    ['lookup({a = "x"}, "a")', "x"],
  ],
  lower: [
    ['lower("HÉLLO")', "héllo"],
    ['lower("ÀB")', "àb"],
    ['lower(["a"])', {"error":"function lower() needs a string as argument 1, found a list","at":"2:7"}],
    ['lower("")', ""],
  ],
  max: [
    ['max(1, 5, 3)', 5],
    ['max(1)', 1],
  ],
  md5: [
    ['md5("hello")', "5d41402abc4b2a76b9719d911017c592"],
    ['md5("")', "d41d8cd98f00b204e9800998ecf8427e"],
  ],
  merge: [
    ['merge({a = 1}, {a = 2, b = 3})', {"a":2,"b":3}],
    ['merge()', {}],
    ['merge(null, {a = 1})', {"a":1}],
  ],
  min: [
    ['min(2, -1)', -1],
    ['min()', {"error":"function min() takes at least 1 arguments, found 0","at":"2:7"}],
  ],
  parseint: [
    ['parseint("100", 10)', 100],
    ['parseint("-FF", 16)', -255],
    ['parseint("zz", 36)', 1295],
    ['parseint("12", 2)', {"error":"function parseint(): invalid value for argument 1: cannot parse \"12\" as a base 2 integer","at":"2:7"}],
    ['parseint("aA", 62)', 656],
    ['parseint("0", 10)', 0],
    ['parseint("1", 63)', {"error":"function parseint(): invalid value for argument 2: base must be a whole number between 2 and 62 inclusive","at":"2:7"}],
    ['parseint("", 10)', {"error":"function parseint(): invalid value for argument 1: cannot parse \"\" as a base 10 integer","at":"2:7"}],
  ],
  pow: [
    ['pow(2, 10)', 1024],
    ['pow(0, 0)', 1],
  ],
  range: [
    ['range(3)', [0,1,2]],
    ['range(1, 4)', [1,2,3]],
    ['range(5, 1)', [5,4,3,2]],
    ['range(0, 10, 4)', [0,4,8]],
    ['range(1, 2, 0.5)', [1,1.5]],
    ['range(0)', []],
    ['range(-3)', [0,-1,-2]],
  ],
  regex: [
    // Exponential on a backtracking engine; Go and V8's linear engine answer at once.
    ['regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")', { error: 'function regex(): pattern did not match any part of the given string', at: '2:7' }],
    // Outside what the linear engine runs (a character beyond U+FFFF), the same pattern is not run at all.
    ['regex("(a+)+$", "🤔aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")', { unknown: 'function regex() with the pattern "(a+)+$" is not evaluated: a repeated group that itself repeats or alternates can take exponential time in JavaScript' }],
    ['regex("[a-z]+", "53453453.345345aaabbbccc23454")', "aaabbbccc"],
    ['regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ["2019","02","01"]],
    ['regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")', {"authority":"terraform.io","scheme":"https"}],
    ['regex("[a-z]+", "53453453")', {"error":"function regex(): pattern did not match any part of the given string","at":"2:7"}],
    ['regex("(?P<a>x)(y)", "xy")', {"error":"function regex(): invalid regexp pattern: cannot mix both named and unnamed capture groups","at":"2:7"}],
    ['regex("a(?=b)", "ab")', {"error":"function regex(): error parsing regexp: invalid or unsupported Perl syntax: `(?=`","at":"2:7"}],
    ['regex("(a+)+$", "aaa")', ["aaa"]],
    ['regex("a\\\\z", "ba")', "a"],
    ['regex("(?s)a.b", "a\\nb")', "a\nb"],
    ['regex("\\\\pL+", "héllo1")', "héllo"],
    ['regex("[[:alpha:]]+", "ab1")', "ab"],
    ['regex("\\\\Qa.b\\\\E", "xa.b")', "a.b"],
    ['regex("a{2}", "aaa")', "aa"],
    ['regex("a{", "a{")', "a{"],
    ['regex("\\\\-", "a-b")', "-"],
    ['regex("(a)|b", "b")', [null]],
    ['regex("\\\\1", "a")', {"error":"function regex(): error parsing regexp: invalid escape sequence: `\\1`","at":"2:7"}],
    ['regex("(", "a")', {"error":"function regex(): error parsing regexp: missing closing ): `(`","at":"2:7"}],
    ['regex("[]a]+", "]a")', "]a"],
    ['regex("\\\\s+", "a\\u00a0 b")', " "],
  ],
  regex_replace: [
    ['regex_replace("hello world", "o", "0")', "hell0 w0rld"],
    ['regex_replace("hello", "(l+)", "[$1]")', "he[ll]o"],
    ['regex_replace("hello", "(?P<x>l+)", "<$${x}>")', "he<ll>o"],
    ['regex_replace("abc", "b", "$$")', "a$c"],
    ['regex_replace("abc", "(b)", "$1x")', "ac"],
    ['regex_replace("a.b", "\\\\.", "-")', "a-b"],
    ['regex_replace("ABC", "(?i)b", "x")', "AxC"],
    ['regex_replace("a1", "[[:digit:]]", "D")', "aD"],
    ['regex_replace("a b", "\\\\s", "_")', "a_b"],
    ['regex_replace("abc", "(?=b)", "x")', {"error":"function regex_replace(): error parsing regexp: invalid or unsupported Perl syntax: `(?=`","at":"2:7"}],
    ['regex_replace("aaa", "(a+)+$", "x")', "x"],
    ['regex_replace("ab", "", "-")', "-a-b-"],
    ['regex_replace("héllo", ".", "x")', "xxxxx"],
  ],
  regexall: [
    ['regexall("[a-z]+", "1234abcd5678efgh9")', ["abcd","efgh"]],
    ['regexall("", "ab")', ["","",""]],
    ['regexall("(?P<k>\\\\w)=(?P<v>\\\\d)", "a=1 b=2")', [{"k":"a","v":"1"},{"k":"b","v":"2"}]],
    ['regexall("x", "abc")', []],
  ],
  replace: [
    ['replace("1 + 2 + 3", "+", "-")', "1 - 2 - 3"],
    ['replace("hello", "l", "")', "heo"],
    ['replace("abc", "", "-")', "-a-b-c-"],
    ['replace("aaa", "a", "b")', "bbb"],
  ],
  reverse: [
    ['reverse([1, 2, 3])', [3,2,1]],
    ['reverse([])', []],
  ],
  rsadecrypt: [
    ['rsadecrypt("x", "y")', {"unknown":"function rsadecrypt() is not evaluated: it needs a private key"}],
  ],
  setintersection: [
    ['setintersection(["a", "b"], ["b", "c"], ["b"])', ["b"]],
    ['setintersection([], ["a"])', []],
  ],
  setproduct: [
    ['setproduct(["a"], [])', []],
    ['setproduct(["a", "b"], [1, 2])', [["a",1],["a",2],["b",1],["b",2]]],
  ],
  setsubtract: [
    ['setsubtract(["a"], ["b"])', {"error":"there is no function named \"setsubtract\" in Packer","at":"2:7"}],
  ],
  setunion: [
    ['setunion(["b"], ["a", "b"])', ["a","b"]],
    ['setunion([1], ["1"])', ["1"]],
  ],
  sha1: [
    ['sha1("hello")', "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
  ],
  sha256: [
    ['sha256("hello")', "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"],
    ['sha256("héllo")', "3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179"],
  ],
  sha512: [
    ['sha512("hello")', "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"],
  ],
  signum: [
    ['signum(-4)', -1],
    ['signum(0)', 0],
  ],
  slice: [
    ['slice(["a", "b", "c", "d"], 1, 3)', ["b","c"]],
    ['slice(["a"], 2, 1)', {"error":"function slice(): invalid value for argument 2: start index must not be greater than the length of the list","at":"2:7"}],
    ['slice([1, 2], 0, 0)', []],
  ],
  sort: [
    ['sort(["e", "d", "a", "x"])', ["a","d","e","x"]],
    ['sort(["b", "a", "B"])', ["B","a","b"]],
    ['sort([1, 10, 2])', ["1","10","2"]],
    ['sort([["a"]])', {"error":"function sort(): invalid value for argument 1: list of string required, found a list at element 0","at":"2:7"}],
  ],
  split: [
    ['split(", ", "a, b, c")', ["a","b","c"]],
    ['split(",", "")', [""]],
    ['split("", "ab")', ["a","b"]],
    ['split("", "")', []],
  ],
  startswith: [
    ['startswith("abc", "ab")', true],
    ['startswith("", "")', true],
  ],
  strcontains: [
    ['strcontains("abc", "x")', false],
    ['strcontains("abc", "")', true],
  ],
  strrev: [
    ['strrev("héllo")', "olléh"],
    ['strrev("")', ""],
  ],
  substr: [
    ['substr("hello world", 1, 4)', "ello"],
    ['substr("hello", 10, 2)', ""],
    ['substr("hello", -10, 2)', "he"],
    ['substr("🤔🤷x", 0, 1)', "🤔"],
    ['substr("hello", 1, -1)', "ello"],
    ['substr("héllo", -3, -1)', "llo"],
    ['substr("hello", -3, 0)', "llo"],
    ['substr("e\\u0301x", 0, 1)', "é"],
    ['substr("abc", 1.5, 1)', {"error":"function substr(): invalid value for argument 2: value must be a whole number","at":"2:7"}],
    ['substr("", 0, 1)', ""],
  ],
  sum: [
    ['sum([1, 2.5, 3])', 6.5],
    ['sum([])', {"error":"function sum(): invalid value for argument 1: cannot sum an empty list","at":"2:7"}],
    ['sum(["1", 2])', 3],
    ['sum(["a"])', {"error":"function sum(): invalid value for argument 1: argument must be list, set, or tuple of number values","at":"2:7"}],
  ],
  textencodebase64: [
    ['textencodebase64("a", "UTF-16LE")', {"unknown":"function textencodebase64() is not evaluated: character set conversion is not evaluated"}],
  ],
  timestamp: [
    ['timestamp()', {"unknown":"function timestamp() is not evaluated: its value is the time of the build"}],
  ],
  title: [
    ['title("o\'neil mc-donald 3rd x_y")', "O'Neil Mc-Donald 3rd X_y"],
    ['title("ǆa école")', "ǅa École"],
    ['title("hello wOrld-foo_bar")', "Hello WOrld-Foo_bar"],
    ['title("")', ""],
  ],
  tolist: [
    ['tolist(["a"])', {"error":"there is no function named \"tolist\" in Packer","at":"2:7"}],
  ],
  tostring: [
    ['tostring(1)', {"error":"there is no function named \"tostring\" in Packer","at":"2:7"}],
    ['tostring(true)', {"error":"there is no function named \"tostring\" in Packer","at":"2:7"}],
  ],
  transpose: [
    ['transpose({a = ["b"]})', {"error":"there is no function named \"transpose\" in Packer","at":"2:7"}],
  ],
  trim: [
    ['trim("?!hello?!", "!?")', "hello"],
    ['trim("  a  ", " ")', "a"],
  ],
  trimprefix: [
    ['trimprefix("helloworld", "hello")', "world"],
    ['trimprefix("a", "")', "a"],
  ],
  trimspace: [
    ['trimspace("  \\t a b \\n ")', "a b"],
    ['trimspace("\\u00a0 x \\u0085")', "x"],
    ['trimspace("")', ""],
  ],
  trimsuffix: [
    ['trimsuffix("helloworld", "world")', "hello"],
  ],
  try: [
    ['try(regex("(", "a"), "fallback")', "fallback"],
    ['try(lookup({}, "a"), lookup({}, "b"), "c")', "c"],
  ],
  upper: [
    ['upper("héllo ß")', "HÉLLO ß"],
    ['upper("ßa")', "ßA"],
    ['upper(1)', "1"],
    ['upper("")', ""],
  ],
  urlencode: [
    ['urlencode("foo=bar&x=y z")', "foo%3Dbar%26x%3Dy+z"],
    ['urlencode("")', ""],
  ],
  uuidv4: [
    ['uuidv4()', {"unknown":"function uuidv4() is not evaluated: its value is random"}],
  ],
  uuidv5: [
    ['uuidv5("url", "https://example.com")', "4fd35a71-71ef-5a55-a9d9-aa75c889a6d0"],
    ['uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x")', "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"],
    ['uuidv5("dns", "example.com")', "cfbff0d1-9375-5685-968c-48ce8b15ae17"],
    ['uuidv5("nope", "x")', {"error":"function uuidv5(): uuidv5() doesn't support namespace nope (invalid UUID format)","at":"2:7"}],
  ],
  values: [
    ['values({b = "2", a = "1"})', ["1","2"]],
    ['values({})', []],
  ],
  vault: [
    ['vault("secret/x", "y")', {"unknown":"function vault() is not evaluated: it reads a secret from HashiCorp Vault at build time"}],
  ],
  yamldecode: [
    ['yamldecode("- a\\n- 1\\n- true\\n- null\\n- 1.5\\n- \'1\'\\n- on\\n- 2001-12-14")', ["a",1,true,null,1.5,"1",true,"2001-12-14T00:00:00Z"]],
    ['yamldecode("a: {b: [1, 2]}")', {"a":{"b":[1,2]}}],
    ['yamldecode("a: yes\\nb: 0x10\\nc: 1_000\\nd: ~\\ne: 012")', {"a":true,"b":16,"c":"1_000","d":null,"e":12}],
    ['yamldecode("a: [")', {"error":"function yamldecode(): Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 5:","at":"2:7"}],
    ['yamldecode("a: 1\\n---\\nb: 2")', {"error":"function yamldecode(): the string contains more than one YAML document","at":"2:7"}],
    ['yamldecode("x: &a [1]\\ny: *a")', {"true":[1],"x":[1]}],
    ['yamldecode("<<: {a: 1}")', {"a":1}],
    ['yamldecode("base: &b {a: 1, b: 2}\\nx:\\n  <<: *b\\n  b: 3")', {"base":{"a":1,"b":2},"x":{"a":1,"b":3}}],
    ['yamldecode("~: 1")', {"error":"function yamldecode(): mapping key cannot be null","at":"2:7"}],
    ['yamldecode("")', null],
  ],
  yamlencode: [
    ['yamlencode({a = 1})', {"unknown":"function yamlencode() is not evaluated: its text depends on go-cty-yaml's layout"}],
  ],
  zipmap: [
    ['zipmap(["a", "b"], [1, 2])', {"a":1,"b":2}],
    ['zipmap(["a"], [])', {"error":"function zipmap(): number of keys (1) does not match number of values (0)","at":"2:7"}],
    ['zipmap(["a", "a"], [1, 2])', {"a":2}],
  ],
};

describe('Packer function list', () => {
  it('evaluates or names as unknown every function Packer registers, and nothing else', () => {
    const known = new Set([...FUNCTIONS.keys(), ...NOT_EVALUATED.keys()]);
    assert.deepEqual(PACKER_FUNCTIONS.filter((name) => !known.has(name)), []);
    // `env` is Packer's too, in variable defaults' context; every other name is one of the list.
    assert.deepEqual([...known].filter((name) => !PACKER_FUNCTIONS.includes(name) && name !== 'env'), []);
    assert.deepEqual([...FUNCTIONS.keys()].filter((name) => NOT_EVALUATED.has(name)), []);
  });

  it('has cases for every function amiguard evaluates', () => {
    const untested = [...FUNCTIONS.keys()].filter((name) => CASES[name] === undefined && !TESTED_ELSEWHERE.has(name));
    assert.deepEqual(untested, []);
  });
});

describe('functions', () => {
  for (const [name, cases] of Object.entries(CASES)) {
    it(name, async () => {
      for (const [expr, expected] of cases) assert.deepEqual(await run(expr), expected, expr);
    });
  }
});
