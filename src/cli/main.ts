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
    default:
      process.stderr.write(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
