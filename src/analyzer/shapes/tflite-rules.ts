/** Shape rules for TFLite builtin operators (domain 'tflite'); being built (issue 4). */
import { registerShapeRules } from './registry.ts';

registerShapeRules('tflite', {});
