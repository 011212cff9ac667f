/** A config that cannot be used. `problems` holds one human-readable line per problem. */
export class ConfigError extends Error {
  readonly problems: string[];
  /** Non-fatal findings (unknown keys, dropped entries) gathered before the failure. */
  readonly warnings: string[];

  constructor(problems: string[], warnings: string[] = []) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} configuration problems:\n${problems.join("\n")}`,
    );
    this.name = "ConfigError";
    this.problems = problems;
    this.warnings = warnings;
  }
}
