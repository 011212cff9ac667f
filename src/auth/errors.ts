/** An auth file that cannot become a credential: not JSON, no `type`, no access token, ... */
export class AuthFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthFileError";
  }
}
