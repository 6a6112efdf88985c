/** The page origin the benchmark gateways allow. */
export const ORIGIN = 'https://bench.example.test';
