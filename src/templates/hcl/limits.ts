/**
 * Expressions nested deeper than this are not converted: the converter and the evaluator recurse
 * once per level, and a hostile file with thousands of `(((...)))` must not exhaust the JS stack.
 */
export const MAX_EXPRESSION_DEPTH = 200;
