/**
 * Root webpack config, found by `aio app build`/`aio app deploy` (they search for
 * `*webpack-config.{js,cjs}` from each action folder up to the project root) and by the local
 * stack's builder, so local runs execute the same bundles Adobe I/O Runtime would.
 * aio merges its own entry/output path into this; we add TypeScript support, minification and
 * three dead-code trims that keep every action bundle under 1 MB (test/integration/runtime-bundles),
 * and a memo of aio-lib-state's per-call Ajv schema compile.
 */
const path = require('path')

/** The memoising stand-in for aio-lib-state's `ajv` (also used by local/state/ajv-memo-hook.ts). */
const STATE_AJV_MEMO = path.join(__dirname, 'actions', 'lib', 'state-ajv-memo.js')

/**
 * terser options. Names are kept: errors name themselves after their class (actions/lib/errors.ts
 * `new.target.name`, visible in logs) and some libraries read `constructor.name`/function names.
 */
const TERSER_OPTIONS = {
  compress: true,
  mangle: true,
  keep_classnames: true,
  keep_fnames: true,
  format: { comments: 'some' }, // keeps /*! … */ and @license/@preserve notices
}

/**
 * Minifies each emitted .js asset with terser. A plain plugin instead of webpack's default
 * minimizer because aio builds with its own webpack copy, whose default minimizer cannot be given
 * options portably across webpack 5 releases (terser-webpack-plugin in older ones,
 * `optimization.minimize: {javascript}` in newer ones); this works with any webpack 5.
 * terser is installed with webpack (its default minimizer depends on it).
 */
const terserMinimizer = {
  apply(compiler) {
    const { Compilation, WebpackError, sources } = compiler.webpack
    compiler.hooks.thisCompilation.tap('ActionTerser', (compilation) => {
      compilation.hooks.processAssets.tapPromise(
        { name: 'ActionTerser', stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE },
        async (assets) => {
          const { minify } = require('terser')
          for (const name of Object.keys(assets)) {
            const asset = compilation.getAsset(name)
            if (!/\.[cm]?js$/.test(name) || !asset || asset.info.minimized) continue
            try {
              const out = await minify(asset.source.source().toString(), TERSER_OPTIONS)
              compilation.updateAsset(name, new sources.RawSource(out.code), { minimized: true })
            } catch (err) {
              // Fail the action's build rather than ship an unminified (over-limit) bundle.
              compilation.errors.push(new WebpackError(`terser failed on ${name}: ${err.message}`))
            }
          }
        },
      )
    })
  },
}

module.exports = {
  target: 'node',
  mode: 'production',
  devtool: false,
  optimization: { minimize: true, minimizer: [terserMinimizer] },
  output: { libraryTarget: 'commonjs2' },
  resolve: { extensions: ['.ts', '.js', '.json'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: [
          {
            loader: 'ts-loader',
            options: { transpileOnly: true, configFile: path.join(__dirname, 'tsconfig.json') },
          },
        ],
      },
      // Dead-code trims, each scoped to the one importer whose use was checked (bytes saved per
      // minified bundle: ~290 KB and ~145 KB; a third, iconv-lite for needle, is in `plugins`):
      // node-fetch 2 only falls back to whatwg-url (+ tr46's Unicode tables) when Node has no
      // `url.URL` (`Url.URL || whatwgUrl.URL`); every Node the actions run on has it.
      { test: /[\\/]node_modules[\\/]node-fetch[\\/]/, resolve: { alias: { 'whatwg-url': false } } },
      // mime-types (via form-data, via aio-lib-ims) reads mime-db only to guess a file's content
      // type from its name; aio-lib-ims posts string fields only, which never consult it.
      { test: /[\\/]node_modules[\\/]mime-types[\\/]/, resolve: { alias: { 'mime-db': false } } },
      // Not a trim: @adobe/aio-lib-state v5 builds a new Ajv and compiles its schema on every call
      // (~9 ms CPU each). Its `ajv` import, and only its, resolves to a wrapper that compiles each
      // schema once per warm container with the real Ajv (see actions/lib/state-ajv-memo.js).
      {
        test: /[\\/]node_modules[\\/]@adobe[\\/]aio-lib-state[\\/]/,
        resolve: { alias: { ajv$: STATE_AJV_MEMO } },
      },
    ],
  },
  plugins: [
    {
      // needle (the openwhisk client's HTTP library) loads iconv-lite in a try/catch, only to
      // re-encode non-UTF-8 *text* bodies; the OpenWhisk API answers JSON, which needle parses
      // without it. Without iconv-lite needle passes such bodies through as is (~270 KB saved).
      // Built from the compiler's own webpack so it works with the copy aio builds with.
      apply: (compiler) =>
        new compiler.webpack.IgnorePlugin({
          resourceRegExp: /^iconv-lite$/,
          contextRegExp: /[\\/]node_modules[\\/]needle[\\/]/,
        }).apply(compiler),
    },
  ],
  // Optional native/peer deps some libraries probe for; absent at runtime on Adobe as well.
  externals: {
    'supports-color': 'commonjs supports-color',
    bufferutil: 'commonjs bufferutil',
    'utf-8-validate': 'commonjs utf-8-validate',
  },
  stats: 'errors-warnings',
}
