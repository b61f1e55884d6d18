// Every command names its environment the same way, as a positional: `npm run <command> -- dev`.
// The older flags (`--env dev`, `--stack dev`) still work and print a one-line notice.

/** A usage mistake about the environment argument, said in one line. */
export class EnvironmentArgumentError extends Error {
  override name = 'EnvironmentArgumentError';
}

export interface EnvironmentArgumentInput {
  command: string;
  /** The positionals that name environments. */
  positionals: string[];
  /** The value of the old flag, if given, and its spelling (`--env`, `--stack`). */
  oldFlag?: { name: string; value: string | undefined };
  /** The environment names that exist. */
  known: string[];
  /** Where the notice about an old spelling goes. */
  notice: (line: string) => void;
}

/** The one environment a command was given; throws EnvironmentArgumentError naming the fix. */
export function environmentArgument(input: EnvironmentArgumentInput): string {
  const { command, positionals, oldFlag, known, notice } = input;
  const names = [...positionals];
  if (oldFlag?.value !== undefined) {
    notice(
      `${command}: ${oldFlag.name} ${oldFlag.value} still works; the one way now is \`npm run ${command} -- ${oldFlag.value}\``,
    );
    names.push(oldFlag.value);
  }
  const distinct = [...new Set(names)];
  if (distinct.length === 0) {
    throw new EnvironmentArgumentError(
      `which environment? give one of ${known.join(', ')}: npm run ${command} -- ${known[0] ?? 'dev'}`,
    );
  }
  if (distinct.length > 1) {
    throw new EnvironmentArgumentError(`one environment at a time: got ${distinct.join(', ')}`);
  }
  const [name] = distinct as [string];
  if (!known.includes(name)) {
    throw new EnvironmentArgumentError(`no environment "${name}"; the environments are ${known.join(', ')}`);
  }
  return name;
}
