/** One benchmark: what it measures, its goal, and a run that also measures its baseline. */
export interface Benchmark {
  name: string;
  title: string;
  goal: string;
  run(): Promise<BenchmarkResult>;
}

export interface BenchmarkResult {
  value: number;
  unit: string;
  baseline?: { label: string; value: number; unit: string };
  goalMet: boolean;
  samples?: number[];
  notes?: string;
}
