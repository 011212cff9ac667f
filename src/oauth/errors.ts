/** A login that cannot finish, with a message meant for the person running it. */
export class LoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoginError";
  }
}
