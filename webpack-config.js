/**
 * Root webpack config, found by `aio app build`/`aio app deploy` (they search for
 * `*webpack-config.{js,cjs}` from each action folder up to the project root) and by the local
 * stack's builder, so local runs execute the same bundles Adobe I/O Runtime would.
 * aio merges its own entry/output path into this; we only add TypeScript support.
 */
module.exports = {
  target: 'node',
  mode: 'production',
  devtool: false,
  optimization: { minimize: false },
  output: { libraryTarget: 'commonjs2' },
  resolve: { extensions: ['.ts', '.js', '.json'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: require('path').join(__dirname, 'tsconfig.json') } }],
      },
    ],
  },
  // Optional native/peer deps some libraries probe for; absent at runtime on Adobe as well.
  externals: { 'supports-color': 'commonjs supports-color', bufferutil: 'commonjs bufferutil', 'utf-8-validate': 'commonjs utf-8-validate' },
  stats: 'errors-warnings',
}
