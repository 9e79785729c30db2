/**
 * Registers every ONNX shape rule (domains '' and 'com.microsoft') into the one table in registry.ts.
 * Rules live by op family; each op type has exactly one entry across these files.
 */
import './onnx-elementwise-rules.ts';
import './onnx-nn-rules.ts';
import './onnx-tensor-rules.ts';
import './onnx-quant-rules.ts';
import './onnx-ml-rules.ts';
import './onnx-contrib-rules.ts';
