// ESLint: typescript-eslint's recommended rules, and the layering DESIGN.md draws, as import
// boundaries. Calls go one way: faces/routes → services → store and geo; services read through
// the read model; geo imports nothing of ours. An import that runs upward or sideways fails.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const MODULES = ['actors', 'analysis', 'control', 'datasets', 'events', 'features', 'imports', 'service', 'sources']
const ENTRY = ['**/app.js', '**/server.js', '**/cli/**', '**/work/worker.js']

/** A no-restricted-imports rule from groups of patterns, each with the reason it is refused. */
function refuse(...groups) {
  return ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }]
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'openapi/**', 'coverage/**', '.tap/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/geo/**/*.ts'],
    rules: { 'no-restricted-imports': refuse([['../*', '../**'], 'geo/ is pure geometry: it imports nothing of the service']) },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: { 'no-restricted-imports': refuse([['../*', '!../errors.js'], 'db/ is the bottom layer: engines, migrations, table types']) },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': refuse([
        ['../modules/**', '../read/**', '../plugins/**', '../faces/**', '../geo/**', ...ENTRY],
        'store/ is SQL only: it returns domain records and imports only db/',
      ]),
    },
  },
  {
    files: ['src/read/**/*.ts'],
    rules: {
      'no-restricted-imports': refuse([
        ['../modules/**', '../plugins/**', '../faces/**', ...ENTRY],
        'read/ sits under the services: it reads the store and prepares with geo',
      ]),
    },
  },
  {
    files: ['src/work/**/*.ts'],
    ignores: ['src/work/worker.ts'],
    rules: {
      'no-restricted-imports': refuse([
        ['../modules/**', '../read/**', '../plugins/**', '../faces/**', ...ENTRY],
        'work/ runs tasks on threads: only its worker entry knows what the tasks are',
      ]),
    },
  },
  {
    files: ['src/plugins/**/*.ts'],
    rules: { 'no-restricted-imports': refuse([['../modules/**', '../faces/**', ...ENTRY], 'plugins/ are cross-cutting: they never reach into a use case']) },
  },
  {
    files: ['src/faces/**/*.ts'],
    rules: {
      'no-restricted-imports': refuse([
        ['../../store/**', '../../geo/**', '../store/**', '../geo/**', ...ENTRY],
        'faces are other ways in over the same services: they call modules, never SQL or geometry',
      ]),
    },
  },
  // One rule per file kind of each module (a later rule replaces an earlier one, it does not add to it).
  ...MODULES.flatMap((name) => {
    const sideways = [
      MODULES.filter((other) => other !== name).map((other) => `../${other}/**`),
      `modules/${name} may not import another module: share through modules/common, read/ or store/`,
    ]
    const upward = [['../../faces/**', ...ENTRY], 'modules may not import faces or the entry points']
    return [
      {
        files: [`src/modules/${name}/**/*.ts`],
        ignores: [`src/modules/${name}/*.routes.ts`],
        rules: {
          'no-restricted-imports': refuse(sideways, upward, [
            ['../../plugins/**', 'fastify', 'fastify-*', './*.routes.js'],
            'services know nothing of HTTP: routes call them',
          ]),
        },
      },
      {
        files: [`src/modules/${name}/*.routes.ts`],
        rules: { 'no-restricted-imports': refuse(sideways, upward, [['../../store/**', '../../geo/**'], 'routes call services; SQL and geometry are theirs']) },
      },
    ]
  }),
  {
    files: ['src/modules/common/**/*.ts'],
    rules: {
      'no-restricted-imports': refuse(
        [['../*/**', '!../common/**'], 'modules/common is shared by the modules: it imports none of them'],
        [['../../plugins/**', 'fastify', ...ENTRY], 'modules/common knows nothing of HTTP'],
      ),
    },
  },
  {
    // The viewer: plain ES modules run by the browser as they are (no build step), MapLibre GL JS as a global.
    files: ['viewer/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        Intl: 'readonly',
      },
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
