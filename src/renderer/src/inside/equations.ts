/**
 * The equations of each cell form as TeX, exactly as CELLS.md writes them (the candidate g is a fresh tanh proposal;
 * the old cell enters only through f ⊙ c_{t−1}), and the form in words. Pure, so the tests check them.
 */
/** What the inspector knows about the form a run used (from the inspectRun result). */
export interface FormInfo {
  cell: 'lstm' | 'gru' | 'rnn'
  /** 'gru-after' | 'gru-before' for GRUs. */
  form: string
  gateActivation: 'sigmoid' | 'hard_sigmoid' | null
}

const sigma = (f: FormInfo): string => (f.gateActivation === 'hard_sigmoid' ? '\\hat\\sigma' : '\\sigma')

/** The cell's equations, one per line, as TeX. */
export function cellEquations(f: FormInfo): string[] {
  const s = sigma(f)
  if (f.cell === 'lstm') {
    return [
      `i_t = ${s}(W_i x_t + U_i h_{t-1} + b_i)`,
      `f_t = ${s}(W_f x_t + U_f h_{t-1} + b_f)`,
      'g_t = \\tanh(W_g x_t + U_g h_{t-1} + b_g)',
      `o_t = ${s}(W_o x_t + U_o h_{t-1} + b_o)`,
      'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t',
      'h_t = o_t \\odot \\tanh(c_t)'
    ]
  }
  if (f.cell === 'gru') {
    const n =
      f.form === 'gru-before'
        ? 'n_t = \\tanh(W_n x_t + U_n (r_t \\odot h_{t-1}) + b_n)'
        : 'n_t = \\tanh(W_n x_t + b_n + r_t \\odot (U_n h_{t-1} + b_{hn}))'
    return [`z_t = ${s}(W_z x_t + U_z h_{t-1} + b_z)`, `r_t = ${s}(W_r x_t + U_r h_{t-1} + b_r)`, n, 'h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot n_t']
  }
  return ['h_t = \\tanh(W x_t + U h_{t-1} + b)']
}

/** The form in words: "LSTM with sigmoid gates", "GRU, reset-after form (Keras 2+, PyTorch, cuDNN)". */
export function formWords(f: FormInfo): string {
  const gates = f.gateActivation === 'hard_sigmoid' ? 'hard-sigmoid gates' : 'sigmoid gates'
  if (f.cell === 'lstm') return `LSTM with ${gates}`
  if (f.cell === 'gru') return `GRU, ${f.form === 'gru-before' ? 'reset-before form (the original paper, tfjs-layers)' : 'reset-after form (Keras 2+, PyTorch, cuDNN)'}, ${gates}`
  return 'Vanilla tanh RNN'
}

