import baseConfig from "../eslint.config.mjs";

export default [
    ...baseConfig,
    {
        // The benchmark is a test tool like chaos/: it may use libs/testing's process helpers.
        files: ["src/**/*.ts"],
        rules: { "no-restricted-imports": "off" },
    },
];
