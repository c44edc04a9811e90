/** The oldest Node.js major version Switchboard runs on. */
export declare const MINIMUM_NODE_MAJOR: number;
/** What is wrong with running on Node.js `version` ("20.20.2"), or undefined if nothing is. */
export declare function nodeVersionProblem(version: string): string | undefined;
