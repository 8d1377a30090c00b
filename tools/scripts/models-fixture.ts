// Writes a RoBERTa sequence-classification fixture model (seeded random weights, hub layout).
// usage: npm run models:fixture -- --size tiny|base --out DIR [--tokenizer DIR] [--seed N]
import {
  FIXTURE_CLI_USAGE,
  FixtureUsageError,
  buildFixtureModel,
  formatFixtureReport,
  parseFixtureCliArgs,
} from '@sentiment-ops/model-fixtures';

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseFixtureCliArgs(argv);
  } catch (error) {
    if (!(error instanceof FixtureUsageError)) throw error;
    console.error(`error: ${error.message}\n\n${FIXTURE_CLI_USAGE}`);
    return 2;
  }
  if (command.help) {
    console.log(FIXTURE_CLI_USAGE);
    return 0;
  }
  const info = await buildFixtureModel({ ...command.options, onProgress: (line) => console.log(`  ${line}`) });
  console.log(formatFixtureReport(info));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`models:fixture failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
