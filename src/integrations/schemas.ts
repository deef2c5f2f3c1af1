import { z } from 'zod';

const EventPattern = z
  .string()
  .min(1)
  .max(120)
  .regex(/^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/, 'an event type, a family like lead.*, or *');

export const CreateWebhookSchema = z.strictObject({
  url: z.string().min(1).max(2000),
  events: z.array(EventPattern).min(1).max(100),
  description: z.string().max(500).optional(),
});
export type CreateWebhookInput = z.infer<typeof CreateWebhookSchema>;

export const UpdateWebhookSchema = z
  .strictObject({
    url: z.string().min(1).max(2000).optional(),
    events: z.array(EventPattern).min(1).max(100).optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookSchema>;
