// SPDX-License-Identifier: BSD-2-Clause
// The look's settings into an engine session's params, shared by the page
// (its full-size export) and the redraw workers (worker.js): s is a plain
// object (the page's settingsNow()), ppm the scale of that session's photo
// (0: assumed). Returns null, or what was refused and why. Also the notes
// a session's last run gave, which both show.
'use strict';
// The last run's notes, in the words the command prints them.
function smpNotes(M, S) {
  const notes = [];
  for (let i = 0, n = M._st_note_count(S); i < n; i++) notes.push(M.UTF8ToString(M._st_note(S, i)));
  return notes;
}

function smpApplySettings(M, S, P, s, ppm) {
  const set = (r, what) => {
    if (r !== 0) throw new Error(`${what}: ${M.UTF8ToString(M._smp_params_message(P))}`);
  };
  try {
    if (M._st_set_seed(S, s.seed)) throw new Error(`seed: ${M.UTF8ToString(M._st_message(S))}`);
    if (s.density === 'auto') set(M._smp_params_set_density_auto(P, 1), 'density');
    else set(M._smp_params_set_density(P, s.density), 'density');
    if (s.dot === 'auto') set(M._smp_params_set_dot_auto(P, 1), 'dot');
    else set(M._smp_params_set_dot_diameter(P, s.dot), 'dot');
    set(M._smp_params_set_dilution(P, s.dilution), 'dilution');
    const a = M._malloc(8 * s.layers.length);
    M.HEAPF64.set(s.layers, a / 8);
    const r = M._smp_params_set_layers(P, a, s.layers.length);
    M._free(a);
    set(r, 'sessions');
    set(M._smp_params_set_show_session(P, s.session), 'session');
    set(M._smp_params_set_age(P, s.age), 'age');
    set(M._smp_params_set_edge(P, s.edge), 'edge');
    set(M._smp_params_set_regularity(P, s.regularity), 'regularity');
    set(M._smp_params_set_px_per_mm(P, ppm), 'px/mm');
    return null;
  } catch (e) {
    return e.message;
  }
}
