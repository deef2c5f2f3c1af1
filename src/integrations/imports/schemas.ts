import { z } from 'zod';
import { IMPORT_TYPES, PRESETS } from './core/mapping.js';

export const ImportTypeSchema = z.enum(IMPORT_TYPES);
export const PresetSchema = z.enum(PRESETS);
export const MappingSchema = z
  .record(z.string().min(1).max(200), z.string().min(1).max(80))
  .refine((m) => Object.keys(m).length <= 200, 'at most 200 columns');

export const StartImportSchema = z.strictObject({
  type: ImportTypeSchema,
  preset: PresetSchema.nullable().optional(),
  mapping: MappingSchema.nullable().optional(),
  mode: z.enum(['all_or_nothing', 'valid_rows']).default('all_or_nothing'),
  dryRun: z.boolean().default(false),
  fileName: z.string().trim().min(1).max(255).default('upload.csv'),
});
export type StartImportInput = z.input<typeof StartImportSchema>;
