/**
 * @proj/autograd — not implemented yet. The package exists so that the workspace, its build and its release pipeline
 * are in place from the start; its contents are tracked in the project's issues (see README.md).
 */
export {};
