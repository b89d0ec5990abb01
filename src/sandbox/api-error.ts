/**
 * An error answered to the client in the protocol of the service that was called. `status` is the
 * HTTP status AWS uses for it: 400 for client errors, 401 for credentials that cannot be
 * validated, 403 for IAM denials, 412 for DryRunOperation, 500/503 for server errors. See
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export function missingParameter(name: string): ApiError {
  return new ApiError('MissingParameter', `The request must contain the parameter ${name}`);
}

export function invalidParameterValue(message: string): ApiError {
  return new ApiError('InvalidParameterValue', message);
}

export function invalidCombination(message: string): ApiError {
  return new ApiError('InvalidParameterCombination', message);
}

export function dryRunOperation(): ApiError {
  return new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}
