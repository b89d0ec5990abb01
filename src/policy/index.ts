export { DEFAULT_POLICY, POLICY_FILE_NAMES, findAndLoadPolicy, loadPolicy, parsePolicy } from './load.js';
export { globToRegExp, matchPublicException, type ExceptionMatch } from './exceptions.js';
