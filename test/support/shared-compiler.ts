import { dirname } from 'node:path';
import ts from 'typescript';

// `tsc -p <config>` for many small apps that share one node_modules, in this process. A tsc process
// per app parses and binds the same ~1 000 declaration files (@types/node, @nestjs/*, rxjs, vitest)
// each time: about 3 s of CPU for a snippet app of a few lines, twice per document (check, build).
// Declaration files are the same bytes for every app, so they are parsed once here and shared
// between programs (what TypeScript's language service does across projects); the apps' own files
// and the unpacked library (a different path per app) are read fresh. Each call is still a full
// `tsc -p`: its own program, every diagnostic, the emit.

const declarations = new Map<string, ts.SourceFile>();

/** Options under which a parsed declaration file can be reused (everything that can change its parse). */
function parseKey(fileName: string, parse: ts.CreateSourceFileOptions, options: ts.CompilerOptions): string {
  const { languageVersion, impliedNodeFormat, jsDocParsingMode } = parse;
  return [fileName, languageVersion, impliedNodeFormat, jsDocParsingMode, options.moduleDetection, options.module].join(
    '|',
  );
}

export interface CompileOptions {
  /**
   * With `skipLibCheck: false`, which declaration files to type-check (default: all, as tsc). The
   * packed-package suite checks the installed library's declarations and leaves other packages'
   * (@types/node, @nestjs/*, rxjs) to their authors: the same errors for our files, less than half the
   * work (five compilations: 46 s of CPU as tsc processes; 19 s here for the five tests, runs included).
   */
  checkDeclarations?: (fileName: string) => boolean;
  /** `false`: emit without the type check, as `tsc --noCheck` (syntax and option errors still throw). */
  typeCheck?: boolean;
}

/**
 * Type-checks (and, unless `noEmit`, emits) the project of `configPath` as `tsc -p configPath` would;
 * throws with tsc's formatted diagnostics when there is any.
 */
export function compileProject(
  configPath: string,
  overrides: ts.CompilerOptions = {},
  { checkDeclarations, typeCheck = true }: CompileOptions = {},
): void {
  let configError: ts.Diagnostic | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    typeCheck ? overrides : { ...overrides, noCheck: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => (configError = diagnostic),
    },
  );
  if (!parsed) throw new Error(`tsc -p ${configPath} failed:\n${format([configError!], configPath)}`);
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, parse, onError, fresh) => {
    if (!fileName.endsWith('.d.ts') || !fileName.includes('/node_modules/') || fileName.includes('/@liberty/')) {
      return read(fileName, parse, onError, fresh);
    }
    const key = parseKey(fileName, typeof parse === 'object' ? parse : { languageVersion: parse }, parsed.options);
    let file = declarations.get(key);
    if (!file) {
      file = read(fileName, parse, onError, fresh);
      if (file) declarations.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    host,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: parsed.errors,
  });
  const diagnostics = !typeCheck
    ? [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics()]
    : checkDeclarations
      ? preEmitDiagnostics(program, (file) => !file.isDeclarationFile || checkDeclarations(file.fileName))
      : [...ts.getPreEmitDiagnostics(program)];
  if (!parsed.options.noEmit) diagnostics.push(...program.emit().diagnostics);
  if (diagnostics.length > 0) {
    throw new Error(`tsc -p ${configPath} failed:\n${format(diagnostics, configPath)}`);
  }
}

/** `ts.getPreEmitDiagnostics`, with the semantic check limited to the files `check` selects. */
function preEmitDiagnostics(program: ts.Program, check: (file: ts.SourceFile) => boolean): ts.Diagnostic[] {
  const checked = program.getSourceFiles().filter(check);
  return [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((file) => program.getSemanticDiagnostics(file)),
    ...(program.getCompilerOptions().declaration
      ? checked.flatMap((file) => program.getDeclarationDiagnostics(file))
      : []),
  ];
}

function format(diagnostics: readonly ts.Diagnostic[], configPath: string): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => dirname(configPath),
    getNewLine: () => '\n',
  });
}
