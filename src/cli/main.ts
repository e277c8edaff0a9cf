/** `llm-workbench <command>`: the headless entry point over src/core. */
const USAGE = `Usage: llm-workbench <command> [options]

Commands:
  count   Count tokens in files
  chat    Send a prompt through the gateway
  eval    Run eval files
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'count':
      return (await import('./countCommand')).runCount(argv.slice(1));
    case 'eval':
      return (await import('./evalCommand')).evalCommand(argv.slice(1));
    case 'chat':
      return (await import('./chatCommand')).runChat(argv.slice(1));
    default:
      process.stderr.write(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
