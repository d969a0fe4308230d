// Lint rules that keep the architecture (DESIGN.md, "Who may import whom") true
// without anyone remembering it, plus TypeScript hygiene.
import tseslint from 'typescript-eslint';

const banImports = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/mesos/**/*.ts'],
    rules: {
      'no-restricted-imports': banImports(
        ['**/master/**', '**/agent/**', '**/scheduler/**', '**/executor/**', '**/cli/**', '**/marathon/**', '**/chronos/**'],
        'src/mesos holds protocol types and arithmetic: it imports no daemon and no framework.',
      ),
    },
  },
  {
    files: ['src/master/allocator/**/*.ts'],
    rules: {
      'no-restricted-imports': banImports(
        ['node:*', '**/transport/**', '**/coordination/**', '../master.js', '../http/**', '../registry/**'],
        'The allocator is pure: it imports only src/mesos.',
      ),
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Pure module: time is an input.' }, { name: 'setInterval', message: 'Pure module: time is an input.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Pure module: take `now` as an argument.' }, { object: 'Math', property: 'random', message: 'Pure module: randomness is an input.' }],
    },
  },
  {
    files: ['src/master/**/*.ts'],
    ignores: ['src/master/allocator/**'],
    rules: { 'no-restricted-imports': banImports(['**/agent/**', '**/scheduler/**', '**/executor/**', '**/cli/**'], 'The master and agent meet over the wire only.') },
  },
  {
    files: ['src/agent/**/*.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/scheduler/**', '**/cli/**'], 'The master and agent meet over the wire only.') },
  },
  {
    files: ['src/marathon/**/*.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/agent/**', '**/chronos/**', '**/cli/**'], 'Marathon is an ordinary framework: scheduler/, mesos/, coordination/ only.') },
  },
  {
    files: ['src/chronos/**/*.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/agent/**', '**/marathon/**', '**/cli/**'], 'Chronos is an ordinary framework: scheduler/, mesos/, coordination/ only.') },
  },
  {
    files: ['src/files/**/*.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/agent/**', '**/cli/**'], 'Sandbox file serving is shared by master and agent and imports neither.') },
  },
  {
    files: ['src/webui/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*'], message: 'The web UI runs in the browser.' },
        { regex: '^(\\.\\./){3,}', message: 'The web UI reads public endpoints only: no imports from outside src/webui/src.' },
      ] }],
    },
  },
  {
    files: ['src/simulator/**/*.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/agent/**', '**/cli/**'], 'Simulated agents speak the public wire protocol, like a real agent.') },
  },
  {
    files: ['src/cli/operator/**/*.ts', 'src/cli/commands/{state,agents,frameworks,tasks,logs,top}.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/agent/**'], 'Operator commands answer from public endpoints only.') },
  },
  {
    files: ['src/scheduler/**/*.ts', 'src/executor/**/*.ts'],
    rules: { 'no-restricted-imports': banImports(['**/master/**', '**/agent/**', '**/cli/**'], 'Client libraries speak HTTP; they never import daemon internals.') },
  },
);
