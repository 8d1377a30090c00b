/**
 * A small Dockerfile reader (instructions, stages, flags, exec-form arguments) and the rules our images
 * follow: pinned base images, the ORT postinstall skipped wherever npm installs, production dependencies
 * only in the final stage, a non-root user, a Node HEALTHCHECK, COPY sources that exist in the context.
 */

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Stage {
  /** `AS <name>`, or the stage index as a string. */
  name: string;
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
}

export const parseDockerfile = (text: string): Dockerfile => {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i].trim();
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) {
      current = current.slice(0, -1);
      i++;
      // Comment lines inside a continuation are dropped, as BuildKit does.
      while (i < lines.length && lines[i].trim().startsWith('#')) i++;
      current += ' ' + (lines[i] ?? '').trim();
    }
    const match = /^(\S+)\s*(.*)$/.exec(current);
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: start + 1 });
  }
  const stages: Stage[] = [];
  const globalArgs: Record<string, string | undefined> = {};
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const alias = words.length >= 3 && words[1].toUpperCase() === 'AS' ? words[2] : String(stages.length);
      stages.push({ name: alias, image: words[0] ?? '', instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value] = instruction.args.split('=', 2);
        globalArgs[name] = value;
      }
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { stages, globalArgs };
};

/** `--name=value` flags at the start of the arguments, and what follows them. */
export const splitFlags = (args: string): { flags: Record<string, string>; rest: string } => {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest); match; match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[match[1]] = match[2] ?? 'true';
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
};

/** Exec form (`["a", "b"]`) parsed as JSON; shell form split on whitespace. */
export const commandWords = (text: string): string[] => {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`not an exec-form array: ${trimmed}`);
    return parsed;
  }
  return trimmed.split(/\s+/).filter(Boolean);
};

/** ENV pairs, both `ENV A=1 B=2` and the legacy `ENV A 1`. */
export const envPairs = (args: string): Record<string, string> => {
  if (!/^[A-Za-z_][\w]*=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return { [name]: value.join(' ') };
  }
  return Object.fromEntries([...args.matchAll(/([A-Za-z_][\w]*)=("[^"]*"|\S*)/g)].map(([, name, value]) => [name, value.replace(/^"(.*)"$/, '$1')]));
};

export interface CopyInstruction {
  from?: string;
  sources: string[];
  destination: string;
  line: number;
}

export const copyInstructions = (stage: Stage): CopyInstruction[] =>
  stage.instructions
    .filter((instruction) => instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
    .map((instruction) => {
      const { flags, rest } = splitFlags(instruction.args);
      const words = commandWords(rest);
      return { from: flags['from'], sources: words.slice(0, -1), destination: words[words.length - 1] ?? '', line: instruction.line };
    });

/**
 * A digest, or a tag naming a release (at least major.minor: Postgres has no patch level) rather than a
 * moving line such as `latest` or `7-alpine`: a rebuild gets the same base. Node images need the full version.
 */
export const isPinnedImage = (image: string): boolean => {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  if (tag === undefined) return false;
  return /^node$|\/node$/.test(image.split(':')[0]) ? /^v?\d+\.\d+\.\d+(-|$)/.test(tag) : /^v?\d+\.\d+(\.\d+)?(-|$)/.test(tag);
};

/** The workspace project a stage builds with `nx build <project>`. */
export const nxBuildProject = (stage: Stage): string | undefined => {
  for (const instruction of stage.instructions) {
    const match = instruction.keyword === 'RUN' ? /\bnx\s+build\s+([\w-]+)/.exec(instruction.args) : null;
    if (match) return match[1];
  }
  return undefined;
};

export interface HealthcheckCommand {
  words: string[];
  line: number;
}

export const healthcheckOf = (stage: Stage): HealthcheckCommand | undefined => {
  const instruction = [...stage.instructions].reverse().find((candidate) => candidate.keyword === 'HEALTHCHECK');
  if (!instruction) return undefined;
  const { rest } = splitFlags(instruction.args);
  const command = /^CMD\s+(.*)$/i.exec(rest);
  return { words: command ? commandWords(command[1]) : [], line: instruction.line };
};

export interface DockerfileRules {
  /** Whether a node base image's version is one the workspace supports (package.json engines). */
  acceptsNodeVersion: (version: string) => boolean;
  /** Whether a context path (relative to the build context) exists and is sent (not in .dockerignore). */
  contextHas: (path: string) => boolean;
  /** The name the health-check script must have in the final stage. */
  healthcheckScript: string;
  /** Whether a workspace project with this name exists. */
  projectExists: (project: string) => boolean;
}

const ORT_SKIP = ['ONNXRUNTIME_NODE_INSTALL', 'ONNXRUNTIME_NODE_INSTALL_CUDA'];
const NPM_INSTALL = /\bnpm\s+(ci|install|i)\b/;

/** Every rule broken by a Dockerfile, as readable problems (empty when it follows them all). */
export const dockerfileProblems = (file: Dockerfile, rules: DockerfileRules): string[] => {
  const problems: string[] = [];
  const { stages } = file;
  if (stages.length === 0) return ['no FROM instruction'];
  const final = stages[stages.length - 1];
  stages.forEach((stage, index) => {
    const earlier = stages.slice(0, index).map((candidate) => candidate.name);
    if (!earlier.includes(stage.image)) {
      if (!isPinnedImage(stage.image)) problems.push(`stage ${stage.name}: base image ${stage.image} is not pinned to a full version or digest`);
      const nodeTag = /^node:v?(\d+\.\d+\.\d+)/.exec(stage.image)?.[1];
      if (nodeTag && !rules.acceptsNodeVersion(nodeTag)) problems.push(`stage ${stage.name}: ${stage.image} is a Node version package.json engines does not accept`);
    }
    const env: Record<string, string> = {};
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'ENV') Object.assign(env, envPairs(instruction.args));
      if (instruction.keyword === 'RUN' && NPM_INSTALL.test(instruction.args)) {
        const notSkipped = ORT_SKIP.filter((name) => env[name] !== 'skip');
        if (notSkipped.length > 0) problems.push(`line ${instruction.line}: npm installs before ${notSkipped.join(' and ')}=skip is set in stage ${stage.name}`);
        if (stage === final && stages.length > 1 && !/--omit=dev\b/.test(instruction.args)) problems.push(`line ${instruction.line}: the final stage installs dev dependencies (no --omit=dev)`);
      }
    }
    for (const copy of copyInstructions(stage)) {
      if (copy.from !== undefined) {
        if (!earlier.includes(copy.from)) problems.push(`line ${copy.line}: COPY --from=${copy.from} names no earlier stage`);
        continue;
      }
      for (const source of copy.sources) {
        if (!rules.contextHas(source)) problems.push(`line ${copy.line}: COPY source ${source} is missing from the build context (or excluded by .dockerignore)`);
      }
    }
  });
  const built = stages.map(nxBuildProject).filter((project): project is string => project !== undefined);
  for (const project of built) if (!rules.projectExists(project)) problems.push(`nx build ${project}: no such workspace project`);
  for (const copy of copyInstructions(final)) {
    for (const source of copy.sources) {
      const distApp = /\/dist\/apps\/([\w-]+)/.exec(source)?.[1];
      if (distApp && !built.includes(distApp)) problems.push(`line ${copy.line}: copies dist/apps/${distApp}, but the build stage builds ${built.join(', ') || 'nothing'}`);
    }
  }
  const user = [...final.instructions].reverse().find((instruction) => instruction.keyword === 'USER');
  if (!user) problems.push('the final stage runs as root (no USER)');
  else if (/^(root|0)(:|$)/.test(user.args)) problems.push(`line ${user.line}: the final stage runs as root`);
  const healthcheck = healthcheckOf(final);
  if (!healthcheck) problems.push('the final stage has no HEALTHCHECK');
  else {
    const [program, script] = healthcheck.words;
    if (program !== 'node' || script !== rules.healthcheckScript) problems.push(`line ${healthcheck.line}: HEALTHCHECK must run \`node ${rules.healthcheckScript}\` (no curl in the image)`);
    else if (!copyInstructions(final).some((copy) => copy.destination.replace(/^\.\//, '') === rules.healthcheckScript)) problems.push(`line ${healthcheck.line}: ${rules.healthcheckScript} is never copied into the final stage`);
  }
  return problems;
};
