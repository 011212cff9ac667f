import { createInterface } from "node:readline/promises";

/**
 * A question for the person at the terminal, or undefined when stdin is not a terminal (a
 * script, a container without -it): the caller then goes on without an answer.
 */
export function terminalPrompt(): ((question: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(`${question} `);
    } finally {
      rl.close();
    }
  };
}
