import { z } from 'zod';

/** What the planner must submit through the `submit_plan` tool. */
export const planSchema = z.strictObject({
  summary: z.string().min(1),
  steps: z.array(z.string().min(1)).min(1),
  files: z.array(z.string().min(1)),
  risk: z.enum(['low', 'medium', 'high']),
  tests: z.string().min(1),
});

export type Plan = z.output<typeof planSchema>;
