/** A tester's action that cannot apply now (pay a closed order, act with no transaction running): 409. */
export class ActionRefused extends Error {}
