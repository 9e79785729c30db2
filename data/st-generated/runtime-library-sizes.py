#!/usr/bin/env python3
"""How data/st-generated/runtime-library-1200-cm7.json was made (kept for reproducibility; not run by edgefit).

    mkdir members && cd members && ar x /path/to/NetworkRuntime1200_CM7_GCC.a && cd ..
    python3 runtime-library-sizes.py members > /dev/null

Reads each archive member with GNU readelf (section headers, symbols, relocations): nothing is executed. For each
entry point, the sections --gc-sections would keep (closure over the relocations, global symbols resolved across
members), with their sizes. Library-external references (libc, libm, libgcc) are listed, not sized.
"""

import json, os, re, subprocess, sys

def run(args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout

def parse_object(path):
    secs = {}  # idx -> dict
    for line in run(['readelf', '-S', '-W', path]).splitlines():
        m = re.match(r'\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+(\d+)', line)
        if m:
            idx, name, typ, size, flags, align = m.groups()
            secs[int(idx)] = dict(name=name, type=typ, size=int(size, 16), flags=flags, align=int(align))
    syms = []
    for line in run(['readelf', '-s', '-W', path]).splitlines():
        m = re.match(r'\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(\S*)', line)
        if m:
            val, size, typ, bind, vis, ndx, name = m.groups()
            syms.append(dict(name=name, type=typ, bind=bind, ndx=ndx, size=int(size)))
    rels = {}  # target section name -> list of referenced symbol names
    cur = None
    for line in run(['readelf', '-r', '-W', path]).splitlines():
        m = re.match(r"Relocation section '\.rel(?:a)?(\S+)'", line)
        if m:
            cur = m.group(1); rels.setdefault(cur, []); continue
        m = re.match(r'\s*[0-9a-f]+\s+[0-9a-f]+\s+(\S+)\s+[0-9a-f]+\s+(\S+)', line)
        if m and cur:
            rels[cur].append(m.group(2))
    return secs, syms, rels

def load_archive(d):
    objs = {}
    for f in sorted(os.listdir(d)):
        if f.endswith('.o'):
            objs[f] = parse_object(os.path.join(d, f))
    return objs

ALLOC_KINDS = ('text', 'rodata', 'data', 'bss')
def kind(sec):
    n = sec['name']
    if 'A' not in sec['flags']: return None
    if n.startswith('.text'): return 'text'
    if n.startswith('.rodata'): return 'rodata'
    if n.startswith('.data'): return 'data'
    if n.startswith('.bss') or sec['type'] == 'NOBITS': return 'bss'
    if n.startswith('.ARM.exidx') or n.startswith('.ARM.extab'): return 'text'
    return 'other'

def build(objs):
    globals_ = {}
    for o, (secs, syms, rels) in objs.items():
        for s in syms:
            if s['bind'] in ('GLOBAL', 'WEAK') and s['ndx'] not in ('UND', 'ABS', 'COM') and s['name']:
                prev = globals_.get(s['name'])
                if prev is None or (s['bind'] == 'GLOBAL'):
                    globals_[s['name']] = (o, int(s['ndx']))
    return globals_

def closure(objs, globals_, roots):
    keep = set(); undefined = set(); stack = []
    for r in roots:
        if r in globals_: stack.append(globals_[r])
        else: undefined.add(r)
    while stack:
        o, idx = stack.pop()
        if (o, idx) in keep: continue
        keep.add((o, idx))
        secs, syms, rels = objs[o]
        name = secs[idx]['name']
        for ref in rels.get(name, []):
            # section symbol (same object) or local symbol or global
            tgt = None
            for j, sec in secs.items():
                if sec['name'] == ref and kind(sec):
                    tgt = (o, j); break
            if tgt is None:
                loc = [s for s in syms if s['name'] == ref and s['bind'] == 'LOCAL' and s['ndx'].isdigit()]
                if loc: tgt = (o, int(loc[0]['ndx']))
            if tgt is None:
                if ref in globals_: tgt = globals_[ref]
                else: undefined.add(ref); continue
            stack.append(tgt)
    tot = {k: 0 for k in ALLOC_KINDS + ('other',)}
    for o, idx in keep:
        sec = objs[o][0][idx]; k = kind(sec)
        if k: tot[k] += sec['size']
    return keep, tot, undefined


if __name__ == '__main__':
    objs = load_archive(sys.argv[1]); g = build(objs)
    E = '''forward_lite_conv2d_rgb_sssa8_ch forward_lite_conv2d_sssa8_ch forward_lite_conv2d_deep_sssa8_ch forward_lite_conv2d_deep_3x3_sssa8_ch
    forward_lite_conv2d_dilated_sssa8_ch forward_lite_pw_sssa8_ch forward_lite_dw_sssa8_ch forward_lite_dw_3x3_sssa8_ch forward_lite_dw_dm_sssa8_ch
    forward_lite_dense_is8os8ws8 forward_dense_integer_SSSA_ch forward_conv2d_integer_SSSA forward_conv2d_sssa8_ch_nl_pool
    forward_conv2d_deep_3x3_sssa8_ch_nl_pool forward_conv2d_deep_sssa8_ch_nl_pool pool_func_mp_array_integer_INT8 forward_lite_maxpool_is8os8_scalepos
    forward_ap_integer_INT8 pool_func_ap_array_integer_INT8 forward_lite_nl_softmax_is8os8 forward_lite_nl_softmax_if32of32 forward_eltwise_integer_INT8
    ai_sum_buffer_INT8 ai_sum_f32 ai_sub_buffer_INT8 ai_sub_f32 ai_mul_buffer_INT8 ai_mul_f32 ai_div_buffer_INT8 ai_div_f32
    ai_max_buffer_INT8 ai_max_f32 ai_min_buffer_INT8 ai_min_f32 forward_nl_integer forward_concat forward_slice forward_split forward_gather
    forward_transpose forward_upsample_nearest forward_upsample_bilinear forward_lite_pad_constant forward_matmul forward_reduce
    forward_lite_node_convert_integer_if32os8 forward_lite_node_convert_integer_if32ou8 forward_lite_node_convert_integer_is8of32
    forward_lite_node_convert_integer_iu8of32 forward_lite_node_convert_integer_iu8os8 forward_lite_node_convert_integer_is8ou8
    forward_lite_conv2d_if32of32wf32 forward_lite_conv2d_if32of32wf32_group forward_lite_dw_if32of32wf32 forward_lite_dense_if32of32wf32
    forward_eltwise ai_sum_buffer_f32 ai_sub_buffer_f32 ai_mul_buffer_f32 ai_div_buffer_f32 ai_max_buffer_f32 ai_min_buffer_f32
    forward_mp pool_func_mp_array_f32 forward_ap pool_func_ap_array_f32 forward_lite_nl_relu_if32of32 forward_lite_nl_relu_generic_if32of32
    forward_lite_nl_clip_if32of32 forward_lite_nl_sigmoid_if32of32 forward_lite_nl_tanh_if32of32 forward_lite_nl_hard_swish_if32of32
    forward_lite_nl_hard_sigmoid_if32of32 forward_lite_nl_swish_if32of32 forward_lite_nl_gelu_if32of32 forward_lite_nl_prelu_if32of32
forward_cast'''.split()
    sections = {}; entry = {}; undefined = {}
    for e in E:
        keep, tot, und = closure(objs, g, [e])
        keys = []
        for o, idx in sorted(keep):
            sec = objs[o][0][idx]
            if kind(sec) is None: continue
            key = f"{o}:{sec['name']}"
            sections[key] = sec['size']; keys.append(key)
        entry[e] = sorted(keys)
        if und: undefined[e] = sorted(und)
    out = {
      "note": "Code sizes of ST's Cortex-M7 GCC runtime library of STEdgeAI Core 4.0.0 (NetworkRuntime1200_CM7_GCC.a, AI_PLATFORM_RUNTIME 12.0.0; the network.c committed beside it says tool_version 4.0.0). The library is built with -ffunction-sections: the linker's --gc-sections keeps only the sections reachable from what network.o references. Per entry point: the sections it reaches through the relocations of the archive's members (the closure --gc-sections keeps), each section's size in bytes. Code flash of a model's library part = the size of the union of its entry points' closures (runtime-lite.ts libraryFunctionsOf, runtime-memory.ts). Sizes and references read with GNU readelf (-S section headers, -s symbols, -r relocations) from the archive members; no code was run. Library-external references (memcpy, memset, expf, __aeabi_*: the report's 'lib (toolchain)' row) are listed, not sized.",
      "source": "Piz01/SistemiOperativiDedicati@26041d37a67bfd7b06341a0cde90187fc3324dd0:zephyr/board_A_project/cube_ai/NetworkRuntime1200_CM7_GCC.a (identical file in zephyr/board_B_project/cube_ai/), sha256 b9f11c829114d52eaf77baec4d7e3cb61f08fe126e755c4c150d171796356527; runtime version from core_datatypes.h, tool version from network.c (.tool_version = STAI_INIT_VERSION(4, 0, 0)) in the same directory",
      "library": "NetworkRuntime1200_CM7_GCC.a",
      "toolVersion": "4.0.0",
      "sectionBytes": dict(sorted(sections.items())),
      "entryPoints": entry,
      "toolchainReferences": undefined,
    }
    json.dump(out, open('runtime-library-1200-cm7.json', 'w'), indent=1)
    for e in E:
        print(e, sum(sections[k] for k in entry[e]), undefined.get(e, ''))
    print(len(sections))
