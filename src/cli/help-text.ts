/**
 * What `edgefit <command> --help` prints after commander's option list: worked examples, the units the
 * output uses, and the exit codes. One table, so every command's help has the same three parts and a test
 * can ask each of them.
 */
import type { Command } from 'commander';

export interface CommandHelp {
  examples: string[];
  /** What the printed figures are measured in, and what the ± figures mean. */
  units?: string;
  exitCodes: string;
}

const BAD_INPUT = '2 bad input or usage (missing, truncated or foreign model file, unknown target or option), one line on stderr';
/** zoo reads no model and takes no target: its own bad input. */
const ZOO_BAD_INPUT = '2 bad input or usage (unknown network or option, a parameter out of range, an output path that cannot be written), one line on stderr';

export const COMMAND_HELP: Record<string, CommandHelp> = {
  analyze: {
    examples: [
      'edgefit analyze model.onnx',
      'edgefit analyze model.tflite --json > model.json',
      'edgefit analyze model.onnx --input-shape images=1x3x320x320',
      'edgefit analyze model.onnx --wide            # the layer table with whole names (often 140+ columns)',
    ],
    units:
      'MACs = multiply-accumulates of conv/dense/matmul layers ("op" = elementary operations); bytes exact (B), ' +
      'KiB/MiB = 1024/1024² B. JSON schema: docs/json.md.',
    exitCodes: `0 analysed (also a PARTIAL analysis, which is labelled); ${BAD_INPUT}`,
  },
  check: {
    examples: [
      'edgefit check model.tflite                                # every built-in board',
      'edgefit check model.tflite -t STM32H747I-DISCO -t STM32N6570-DK',
      'edgefit check model.onnx -t H747 --resolution 160          # re-inferred at 160×160',
      'edgefit check model.onnx -t ./my-board.json --json         # your own profile (schema: docs/targets.md)',
      'edgefit check model.tflite --wide                          # one line per target (about 265 columns)',
    ],
    units:
      'RAM/flash cells: used / capacity (free room in % of capacity) of the fullest memory the role uses, then any ' +
      'part placed in external memory; KiB/MiB = 1024/1024² B. Latency in ms at the board clock ST benchmarks; ' +
      '±x% = leave-one-model-out MAPE of the latency model (edgefit calibrate); "thin data" = too few models ' +
      'behind the figure for an error. --json fields: docs/json.md.',
    exitCodes: `0 every target fits; 1 at least one does not; ${BAD_INPUT}`,
  },
  compare: {
    examples: [
      'edgefit compare model.onnx --resolutions 96,128,160,192,224',
      'edgefit compare a.onnx b.tflite -t STM32H747I-DISCO',
      'edgefit compare model.tflite --resolutions 128,224 --json',
      'edgefit compare a.onnx b.tflite --wide                     # one line per target (about 200 columns)',
    ],
    units: 'as check: MACs (conv/dense), bytes in KiB/MiB (1024), latency in ms ± leave-one-model-out MAPE.',
    exitCodes: `0 compared (whether or not every variant fits: use check for a fit verdict); ${BAD_INPUT}; 2 also when a --resolutions size was left out (the file fixes a shape for its own input size), the other sizes compared`,
  },
  targets: {
    examples: ['edgefit targets', 'edgefit targets --json'],
    units: 'memory sizes in KiB/MiB/GiB (1024); errors: leave-one-model-out MAPE / worst signed error on ST\'s published tables.',
    exitCodes: '0 printed; 2 usage (unknown option), one line on stderr',
  },
  calibrate: {
    examples: ['edgefit calibrate', 'edgefit calibrate --json > calibration.json'],
    units: 'cells: MAPE / worst signed error (models m, rows r) of each quantity, each model predicted by a fit that never saw it.',
    exitCodes: '0 printed; 2 usage (unknown option), one line on stderr',
  },
  report: {
    examples: [
      'edgefit report model.onnx                                  # writes reports/model.html',
      'edgefit report model.tflite --resolutions 96,128,160 -o reports/sweep.html',
      'edgefit report model.onnx -t H747 -t N6',
    ],
    exitCodes: `0 report written; ${BAD_INPUT}; 2 also when a --resolutions size was left out of the written report (named on stderr)`,
  },
  demo: {
    examples: ['edgefit demo', 'edgefit demo -o /tmp/demo.html --models-dir /tmp/demo-models'],
    exitCodes: '0 report written; 2 when a file cannot be written',
  },
  zoo: {
    examples: ['edgefit zoo list', 'edgefit zoo build mobilenet_v2 --alpha 0.35 --resolution 160 --classes 101 -o m.onnx'],
    exitCodes: `0 listed or written; ${ZOO_BAD_INPUT}`,
  },
  'zoo list': {
    examples: ['edgefit zoo list', 'edgefit zoo list --json'],
    exitCodes: '0 printed; 2 usage (unknown option), one line on stderr',
  },
  'zoo build': {
    examples: [
      'edgefit zoo build mobilenet_v2 --alpha 0.35 --resolution 160 --classes 101 -o m.onnx',
      'edgefit zoo build mobilenet_v1 --alpha 0.25 --resolution 96 --w4 50 -o m4.onnx   # half the weights int4',
      'edgefit zoo build st_efficientnet_lc_v1 --resolution 128 --io uint8 -o e.onnx && edgefit check e.onnx',
    ],
    exitCodes: `0 written; ${ZOO_BAD_INPUT}`,
  },
};

/**
 * The width the help is laid out for: commander wraps its option list to the terminal, or to 80 columns when
 * the output is not a terminal; the parts added here keep to the same width.
 */
export const HELP_COLUMNS = 80;

/** `text` broken at spaces into lines of at most `width` characters, each indented by `indent`. */
export function wrapText(text: string, width = HELP_COLUMNS, indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/**
 * One example: "  $ command   # comment" when it fits the help's width; else the comment on a line of its own
 * above the command, and a command still too long continued with a shell "\" at a space.
 */
export function exampleLines(example: string, width = HELP_COLUMNS): string[] {
  const [command, comment] = example.split(/\s+# /, 2) as [string, string | undefined];
  if (`  $ ${example}`.length <= width) return [`  $ ${example}`];
  const lines = comment ? [`  # ${comment}`] : [];
  // an option stays on the line of its value ("-o m4.onnx")
  const words = command.trim().split(' ').reduce<string[]>((acc, w) => {
    const last = acc[acc.length - 1];
    if (last !== undefined && /^-/.test(last) && !last.includes(' ') && !/^-/.test(w) && w !== '&&') acc[acc.length - 1] = `${last} ${w}`;
    else acc.push(w);
    return acc;
  }, []);
  let line = '  $';
  for (const word of words) {
    if (line.length + 1 + word.length > width - 2 && line.trim() !== '$') {
      lines.push(`${line} \\`);
      line = '     ';
      line += word;
    } else line += `${line.endsWith(' ') ? '' : ' '}${word}`;
  }
  lines.push(line);
  return lines;
}

export function helpText(h: CommandHelp): string {
  const lines = ['', 'Examples:', ...h.examples.flatMap((e) => exampleLines(e))];
  if (h.units) lines.push('', 'Units:', wrapText(h.units));
  lines.push('', 'Exit codes:', wrapText(h.exitCodes));
  return lines.join('\n');
}

/** What `edgefit --help` ends with: the first commands to try. */
export const PROGRAM_HELP = [
  '',
  'Examples:',
  '  $ edgefit demo         # no file needed: ST EfficientNet LC v1 on every target',
  '  $ edgefit check model.tflite -t STM32H747I-DISCO',
  '                         # fits? margins, limiting memory, latency ± error',
  '  $ edgefit targets      # board names --target accepts',
  '',
  "Run 'edgefit <command> --help' for a command's options, units and exit codes.",
].join('\n');

/** Adds each registered command's examples, units and exit codes to its --help. */
export function addCommandHelp(program: Command): void {
  program.addHelpText('after', PROGRAM_HELP);
  const visit = (cmd: Command, path: string) => {
    const h = COMMAND_HELP[path];
    if (h) cmd.addHelpText('after', helpText(h));
    for (const sub of cmd.commands) visit(sub, `${path} ${sub.name()}`);
  };
  for (const cmd of program.commands) visit(cmd, cmd.name());
}
