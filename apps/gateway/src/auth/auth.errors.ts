/** 401: no usable credentials. The filter adds `WWW-Authenticate: Bearer`. */
export class AuthenticationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationException';
  }
}

/** 403: a valid key whose role is below what the route needs. */
export class InsufficientRoleException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsufficientRoleException';
  }
}
