/** 'dist' when dist/BUILT is at least as new as every file of src/, else 'tsx'; SWITCHBOARD_RUNTIME decides instead. */
export function chooseRuntime(root: string, env?: Record<string, string | undefined>): 'dist' | 'tsx';
