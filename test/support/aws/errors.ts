/**
 * An error the endpoint answers with, in the service's own code, instead of a result. The server
 * renders it in the protocol of the request (a JSON `__type` or an EC2 `<Error><Code>`).
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.status = status;
  }
}
