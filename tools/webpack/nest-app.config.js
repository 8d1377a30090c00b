// One webpack setup for every NestJS app: tsc compiler (Nest needs decorator metadata, which
// esbuild/swc bundling would drop), node_modules kept external, a pruned package.json beside main.js.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('path');

module.exports.nestAppConfig = (appDir, { assets = [] } = {}) => ({
  output: {
    path: join(appDir, '../../dist/apps', basename(appDir)),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && { devtoolModuleFilenameTemplate: '[absolute-resource-path]' }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      assets,
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
});
