import { Refusal } from './problems.js'
import { COMMANDS, commandUsage, parse, usage } from './usage.js'

// The entry of the `frontline` command: parses and checks the command line, then loads the
// command's modules (the app, the database) only when it runs one: help and refused flags answer at once.

export async function main(argv: string[]): Promise<void> {
  const args = parse(argv)
  const [command, ...rest] = args.positionals
  if (!command || (command === 'help' && rest.length === 0)) {
    process.stdout.write(`${usage()}\n`)
    return
  }
  if (command === 'help') {
    process.stdout.write(`${commandUsage(rest[0])}\n`)
    return
  }
  const spec = COMMANDS[command]
  if (!spec) throw new Error(`unknown command ${command}\n\n${usage()}`)
  if (args.values.help) {
    process.stdout.write(`${commandUsage(command)}\n`)
    return
  }
  // A flag the command does not take is refused, not ignored: the help lists what each takes.
  const taken = new Set<string>(spec.flags.map(([flag]) => flag))
  const refused = Object.keys(args.values).filter((flag) => flag !== 'help' && !taken.has(flag))
  if (refused.length > 0) {
    throw new Error(
      `${command} does not take ${refused.map((flag) => `--${flag}`).join(', ')}; it takes: ${[...taken].map((flag) => `--${flag}`).join(' ') || 'no options'} (frontline help ${command})`,
    )
  }
  const { runCommand } = await import('./commands.js')
  await runCommand(command, args)
}

// Output piped into a reader that stops early (head, less) is not an error of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

main(process.argv.slice(2)).catch((error: unknown) => {
  // With --json a refusal is the API's problem+json itself, on stdout; the human reading goes to stderr either way.
  if (error instanceof Refusal && process.argv.includes('--json')) process.stdout.write(`${error.answer.text}\n`)
  process.stderr.write(`frontline: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
