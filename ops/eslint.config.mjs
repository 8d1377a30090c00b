import baseConfig from "../eslint.config.mjs";

export default [
    ...baseConfig,
    {
        // Static checks of the operations files (docker/, deploy/, .github/): test tools like chaos/.
        files: ["src/**/*.ts"],
        rules: { "no-restricted-imports": "off" },
    },
];
