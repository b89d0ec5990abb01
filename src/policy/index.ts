export { DEFAULT_POLICY, loadPolicy, parsePolicy } from './load.js';
export { POLICY_FILE_NAMES, findAndLoadPolicy, findPolicyFile, type FoundPolicy } from './discover.js';
export { globToRegExp, matchPublicException, type ExceptionMatch } from './exceptions.js';
