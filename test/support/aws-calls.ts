import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { type Grant, grantOf, type Resource } from '../../functions/permissions.js';
import { iamActionOf } from '../../infra/iam-actions.js';

/**
 * The AWS actions a Lambda function's code can call, read from its source with the TypeScript checker.
 *
 * From the entry's `handler` it follows every reference to a declaration in `functions/`: functions,
 * methods, constants, classes, and through an interface's member (how handlers reach AWS: `deps.mailer.send`,
 * `deps.workflow.completeTask`) to each object literal that implements it. It does not follow into
 * the wiring that builds the adapters (`functions/shared/dependencies.ts`, `composition.ts` and `parts/`):
 * what a function may do is what it calls through them, not what is built. Each AWS SDK command constructed on
 * the way, a presigned POST and Powertools idempotency become the IAM action they need, on the resource
 * the code's place says: the store's commands act on the Accreditation table, the uploads' and the
 * certificates' on their prefixes of the bucket.
 */

const root = resolve(import.meta.dirname, '../..');
const functionsDir = `${resolve(root, 'functions')}/`;
const isWiring = (file: string) =>
  file.startsWith(functionsDir) &&
  /^shared\/(dependencies\.ts|composition\.ts|parts\/)/.test(file.slice(functionsDir.length));

/** Where a command acts, by the file it is sent from (the adapters'; anything else is unknown). */
const resourcesByFile: Record<string, Resource[]> = {
  'functions/data/': ['Accreditation'],
  'functions/shared/uploads.ts': ['uploads/'],
  'functions/accreditation/certificate-store.ts': ['certificates/'],
  'functions/email/mailer.ts': ['email'],
  'functions/shared/alert-topic.ts': ['alerts'],
  'functions/shared/milestone-bus.ts': ['milestones'],
  // The Workflow port starts and wakes executions of either state machine, as its caller says.
  'functions/shared/workflow.ts': ['ParticipantLifecycle', 'AccreditedYears', 'WaitingListInvitations'],
};

/** Powertools' DynamoDB persistence layer gets, puts, updates and deletes its records. */
const idempotencyActions = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].map((a) => `dynamodb:${a}`);
const idempotencyApi = new Set(['makeIdempotent', 'makeHandlerIdempotent', 'idempotent']);
/** The persistence layer's methods called directly, each one DynamoDB call. */
const persistenceCalls: Record<string, string> = {
  saveInProgress: 'PutItem',
  saveSuccess: 'UpdateItem',
  getRecord: 'GetItem',
  deleteRecord: 'DeleteItem',
};

export interface AwsCalls {
  /** `<resource> <action>`, as `grantOf` writes them. */
  grants: Set<Grant>;
  /** What could not be placed: a command infra/iam-actions.ts does not know, or one sent from a file not above. */
  unknown: string[];
}

/** The AWS calls of each named entry (paths relative to the project), from one TypeScript program. */
export function awsCallsOf(entries: Record<string, string>): Record<string, AwsCalls> {
  const configFile = ts.readConfigFile(resolve(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const files = Object.values(entries).map((entry) => resolve(root, entry));
  const program = ts.createProgram(files, options);
  const checker = program.getTypeChecker();
  const implementations = interfaceImplementations(program, checker);
  return Object.fromEntries(
    Object.entries(entries).map(([name, entry]) => {
      const source = program.getSourceFile(resolve(root, entry));
      if (!source) throw new Error(`${entry} is not in the program`);
      return [name, callsFrom(exportedHandler(source, checker), checker, implementations)];
    }),
  );
}

const inProject = (node: ts.Node) => {
  const file = node.getSourceFile().fileName;
  return file.startsWith(functionsDir) && !isWiring(file);
};

function exportedHandler(source: ts.SourceFile, checker: ts.TypeChecker): ts.Declaration {
  const module = checker.getSymbolAtLocation(source);
  const handler = module && checker.getExportsOfModule(module).find((s) => s.name === 'handler');
  const declaration = handler && resolveAlias(handler, checker).declarations?.[0];
  if (!declaration) throw new Error(`${source.fileName} exports no handler`);
  return declaration;
}

const resolveAlias = (symbol: ts.Symbol, checker: ts.TypeChecker) =>
  symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

/**
 * Interface members declared in functions/ and the object-literal members that implement them, and which
 * of those the wiring builds for every function (the adapters: `sesMailer`, `stepFunctionsWorkflow`, …).
 */
function interfaceImplementations(program: ts.Program, checker: ts.TypeChecker) {
  const memberOf = new Map<ts.Node, ts.Declaration>();
  const implementations = new Map<ts.Declaration, ts.Node[]>();
  const wired = new Set<ts.Node>();
  const wiredFactories = new Set<ts.Node>();
  for (const source of program.getSourceFiles()) {
    const file = source.fileName;
    if (isWiring(file))
      forEachIdentifier(source, (id) => {
        const symbol = checker.getSymbolAtLocation(id);
        for (const declaration of (symbol && resolveAlias(symbol, checker).declarations) ?? [])
          if (inProject(declaration) && ts.isFunctionDeclaration(declaration))
            wiredFactories.add(declaration);
      });
    if (!inProject(source)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const type = checker.getContextualType(node);
        for (const member of type ? node.properties : []) {
          if (!member.name || !ts.isIdentifier(member.name)) continue;
          const target = type && checker.getPropertyOfType(type, member.name.text);
          const declaration = target?.declarations?.find(
            (d) => (ts.isMethodSignature(d) || ts.isPropertySignature(d)) && inProject(d),
          );
          if (!declaration) continue;
          memberOf.set(member, declaration);
          implementations.set(declaration, [...(implementations.get(declaration) ?? []), member]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const member of memberOf.keys())
    for (let n: ts.Node | undefined = member; n; n = n.parent) if (wiredFactories.has(n)) wired.add(member);
  return { memberOf, implementations, wired };
}

/** The `IndexName` of `new QueryCommand({ …, IndexName: 'GSI1' })`, if it names one. */
function indexNameOf(command: ts.Node): string | undefined {
  const construction = command.parent;
  const input = construction && ts.isNewExpression(construction) ? construction.arguments?.[0] : undefined;
  const property =
    input &&
    ts.isObjectLiteralExpression(input) &&
    input.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'IndexName');
  if (!property) return undefined;
  if (ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer))
    return property.initializer.text;
  return '(not a literal)';
}

function forEachIdentifier(node: ts.Node, action: (id: ts.Identifier) => void) {
  if (ts.isIdentifier(node)) action(node);
  ts.forEachChild(node, (child) => forEachIdentifier(child, action));
}

/**
 * Walks what the handler can run. An object literal's member that implements one of our interfaces is
 * not read where the literal is built, only once something calls that member (`definition.run`,
 * `deps.mailer.send`): so a generic step runner leads to this step's `run`, not every step's.
 */
function callsFrom(
  start: ts.Node,
  checker: ts.TypeChecker,
  { memberOf, implementations, wired }: ReturnType<typeof interfaceImplementations>,
): AwsCalls {
  const grants = new Set<Grant>();
  const unknown: string[] = [];
  const visited = new Set<ts.Node>();
  const queue: ts.Node[] = [start];
  /** Interface members something calls, and implementations built so far (the wired ones from the start). */
  const called = new Set<ts.Declaration>();
  const built = new Set<ts.Node>(wired);

  const record = (from: ts.Node, what: string) => {
    const file = relative(root, from.getSourceFile().fileName);
    const place = Object.keys(resourcesByFile).find((prefix) => file.startsWith(prefix));
    const action = iamActionOf[what];
    // Reading an object needs ListBucket on its prefix too: without it S3 answers a missing key with 403,
    // not the 404 the code expects.
    const actions = action?.startsWith('s3:Get') ? [action, 's3:ListBucket'] : action && [action];
    if (!actions || !place) {
      unknown.push(`${what} in ${file}`);
      return;
    }
    const index = what === 'QueryCommand' ? indexNameOf(from) : undefined;
    for (const resource of resourcesByFile[place] ?? [])
      for (const action of actions)
        grants.add(grantOf(index ? (`${resource}/index/${index}` as Resource) : resource, action));
  };

  /** What a referenced symbol leads to: a declaration to read, or an AWS call to record. */
  const follow = (symbol: ts.Symbol, from: ts.Node) => {
    for (const declaration of symbol.declarations ?? []) {
      const file = declaration.getSourceFile().fileName;
      // The table's index queries share one QueryCommand; the method called names the index.
      const index = /^queryGsi(\d)$/.exec(symbol.name)?.[1];
      if (index && file.endsWith('/functions/data/table.ts')) {
        grants.add(grantOf(`Accreditation/index/GSI${index}`, 'dynamodb:Query'));
        return;
      }
      if (file.includes('/node_modules/')) {
        const fromPackage = (name: string) => file.includes(`/node_modules/${name}/`);
        if (fromPackage('@aws-lambda-powertools/idempotency') && idempotencyApi.has(symbol.name))
          for (const action of idempotencyActions) grants.add(grantOf('Idempotency', action));
        // One record's own call on the persistence layer (an email's claim, a replay page): that action alone.
        else if (fromPackage('@aws-lambda-powertools/idempotency') && persistenceCalls[symbol.name])
          grants.add(grantOf('Idempotency', `dynamodb:${persistenceCalls[symbol.name]}`));
        else if (fromPackage('@aws-sdk/s3-presigned-post') && symbol.name === 'createPresignedPost')
          record(from, 'PutObjectCommand');
        else if (/\/node_modules\/@aws-sdk\/(client|lib)-/.test(file) && symbol.name.endsWith('Command'))
          record(from, symbol.name);
        return;
      }
      if (
        !inProject(declaration) ||
        ts.isInterfaceDeclaration(declaration) ||
        ts.isTypeAliasDeclaration(declaration)
      )
        continue;
      if (ts.isMethodSignature(declaration) || ts.isPropertySignature(declaration)) {
        called.add(declaration);
        queue.push(...(implementations.get(declaration) ?? []).filter((member) => built.has(member)));
      } else if (ts.isClassDeclaration(declaration))
        // `new X(…)` runs the constructor and the field initialisers, not every method.
        queue.push(
          ...declaration.members.filter((m) => ts.isConstructorDeclaration(m) || ts.isPropertyDeclaration(m)),
        );
      else queue.push(declaration);
    }
  };

  while (queue.length > 0) {
    const node = queue.pop() as ts.Node;
    if (visited.has(node)) continue;
    visited.add(node);
    const visit = (child: ts.Node): void => {
      // Types run nothing: `CertificateStore` in a signature calls none of its members.
      if (ts.isTypeNode(child) || ts.isInterfaceDeclaration(child) || ts.isTypeAliasDeclaration(child))
        return;
      const implemented = child !== node && memberOf.get(child);
      if (implemented) {
        built.add(child);
        if (called.has(implemented)) queue.push(child);
        return;
      }
      if (ts.isIdentifier(child)) {
        const parent = child.parent;
        const symbol =
          parent && ts.isShorthandPropertyAssignment(parent) && parent.name === child
            ? checker.getShorthandAssignmentValueSymbol(parent)
            : checker.getSymbolAtLocation(child);
        if (symbol) follow(resolveAlias(symbol, checker), child);
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
  }
  return { grants, unknown: [...new Set(unknown)].sort() };
}
