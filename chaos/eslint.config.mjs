import baseConfig from "../eslint.config.mjs";

export default [
    ...baseConfig,
    {
        // The chaos suite is a test tool: it drives real processes with libs/testing's helpers.
        files: ["src/**/*.ts"],
        rules: { "no-restricted-imports": "off" },
    },
];
