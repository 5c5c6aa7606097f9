import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// One-way imports (docs/conventions.md):
//   contract <- services/stores <- components <- pages; the server never imports the client.
const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'artifacts/**', 'contract/generated/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.name='Taro'][property.name='request']",
        message: 'Use the request client in src/services/http; pages never call Taro.request.',
      }, {
        selector: "MemberExpression[object.name=/^(Taro|wx|my|tt)$/][property.name=/^(connectSocket|sendSocketMessage|closeSocket|onSocket(Open|Message|Close|Error))$/]",
        message: 'Sockets are opened only by the realtime service (src/services/realtime/socket*.ts); pages use its hook.',
      }, {
        selector: "NewExpression[callee.name='WebSocket'], NewExpression[callee.property.name='WebSocket']",
        message: 'Sockets are opened only by the realtime service (src/services/realtime/socket*.ts); pages use its hook.',
      }, {
        selector: "MemberExpression[object.name='Taro'][property.name='previewImage']",
        message: 'Use previewImages from src/services/platform/preview: on H5 it loads Taro\'s image viewer (the swiper library) on the first tap, not with the page (decision 0015).',
      }],
      // The client imports only types from the contract at runtime-free cost, plus the pure,
      // dependency-free helpers (money, tender split) and generated data.
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: '^@contract(?!/money$|/tender-split$|/generated/)', allowTypeImports: true,
            message: 'The client imports only types from the contract (zod stays on the server); runtime: @contract/money, @contract/tender-split, @contract/generated/*.' },
          { group: ['**/server/**', '../server/*'], message: 'The client never imports the server.' },
        ],
      }],
    },
  },
  {
    files: ['src/services/**', 'src/stores/**'],
    rules: { 'no-restricted-imports': restrict([
      { group: ['@/components/*', '@/pages/*', '../components/*', '../pages/*'], message: 'services and stores sit below components and pages.' },
    ]) },
  },
  {
    files: ['src/components/**'],
    rules: { 'no-restricted-imports': restrict([
      { group: ['@/pages/*', '../pages/*', '../../pages/*'], message: 'components never import pages.' },
    ]) },
  },
  {
    // What the H5 first load reaches: one import of a Taro component here brings Taro's whole
    // component library into app.js or the first page (decision 0015); use the primitives.
    // The product page is a first page too (a shared link opens it).
    files: [
      'src/app.tsx', 'src/page-load-guard.tsx', 'src/pages/{home,category,product}/index.tsx',
      'src/components/{page-state,empty,skeleton,offline-banner,search-entry,product-card,price,stepper}/index.tsx',
      'src/components/icon/index.tsx', 'src/components/{carousel/carousel,picture/picture,title-bar/title-bar}.h5.tsx',
    ],
    rules: { 'no-restricted-imports': restrict([
      { group: ['@/pages/*', '../pages/*', '../../pages/*'], message: 'components never import pages.' },
      { group: ['@tarojs/components'], message: 'The H5 first load takes no Taro component: use Box, Inline, Press or Scroller from the primitives.' },
    ]) },
  },
  {
    files: ['server/**', 'contract/**'],
    rules: { 'no-restricted-imports': restrict([
      { group: ['@/*', '**/src/*'], message: 'The server and the contract never import the client.' },
    ]) },
  },
  {
    // The stand-ins for outside services (server/standins) sit beside the server, not in it:
    // only the app mounts them (registerStandIns), and the tests that run them. Its own rule
    // name, so that the server's other import rules never replace it.
    files: ['server/**'],
    ignores: ['server/app.ts', 'server/standins/**', 'server/integration/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
      { regex: '(^|/)standins(/|$)', message: 'Only server/app.ts mounts the stand-ins (registerStandIns); modules, channels and platform code never import server/standins.' },
    ] }] },
  },
  {
    // A server module is reached only through its index (its public surface); its tests and
    // fixtures may reach in. server/modules/boundaries.test.ts also checks cycles and tables.
    files: ['server/modules/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing.ts'],
    rules: { 'no-restricted-imports': restrict([
      { group: ['@/*', '**/src/*'], message: 'The server and the contract never import the client.' },
      { regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index$)', message: 'Import another module through its index (server/modules/<name>), never its files.' },
    ]) },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/modules/**', 'server/integration/**', 'server/test/**', '**/*.test.ts', '**/testing.ts'],
    rules: { 'no-restricted-imports': restrict([
      { group: ['@/*', '**/src/*'], message: 'The server and the contract never import the client.' },
      { regex: '(^|/)modules/[^/]+/(?!index$)', message: 'Reach a module through its index (server/modules/<name>), never its files.' },
    ]) },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/db/transaction.ts'],
    rules: { 'no-restricted-syntax': ['error', {
      selector: "CallExpression[callee.property.name='transaction'][arguments.length=0]",
      message: 'Open transactions with transact() from server/db/transaction: it runs a transaction again after a deadlock or a serialization failure.',
    }] },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'src/test/**', 'e2e/**', 'smoke/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
