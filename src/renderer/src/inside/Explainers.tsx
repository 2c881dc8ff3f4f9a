/**
 * The short explainers beside each Inside view: what is drawn, the equations of the form the run used (rendered by
 * KaTeX, offline, fonts bundled; the HTML it writes needs only inline styles, which the CSP allows), and what to look
 * for. The equations follow CELLS.md exactly: the candidate g is a fresh tanh proposal, and the old cell enters only
 * through f ⊙ c_{t−1}.
 */
import { useMemo } from 'react'
import katex from 'katex'
import 'katex/dist/katex.min.css'
import { cellEquations, formWords, type FormInfo } from './equations'

export { formWords, type FormInfo }

/** TeX rendered to HTML (with MathML for screen readers); a TeX mistake shows as red source, never as a crash. */
export function Tex({ children, display = false }: { children: string; display?: boolean }): React.JSX.Element {
  const html = useMemo(() => katex.renderToString(children, { displayMode: display, throwOnError: false, output: 'htmlAndMathml', strict: 'ignore' }), [children, display])
  // KaTeX's own output for the fixed TeX strings of this file (no user input reaches it).
  return <span className={display ? 'tex tex-display' : 'tex'} dangerouslySetInnerHTML={{ __html: html }} />
}

function Equations({ form }: { form: FormInfo }): React.JSX.Element {
  const lines = cellEquations(form)
  return (
    <div className="equations" data-testid="equations">
      <Tex display>{`\\begin{aligned}${lines.map((l) => l.replace('=', '&=')).join('\\\\')}\\end{aligned}`}</Tex>
      {form.gateActivation === 'hard_sigmoid' && (
        <p className="small muted">
          This run’s gates use the hard sigmoid <Tex>{'\\hat\\sigma(x) = \\min(1, \\max(0,\\ 0.2x + 0.5))'}</Tex>, tfjs-layers’ default, instead of the
          logistic <Tex>{'\\sigma'}</Tex>: gates reach exactly 0 and 1.
        </p>
      )}
    </div>
  )
}

/** A collapsible explainer box: open by default, so the first look explains; closed, it keeps its one-line summary. */
export function Explainer({ summary, children, testId }: { summary: string; children: React.ReactNode; testId?: string }): React.JSX.Element {
  return (
    <details className="explainer" open data-testid={testId}>
      <summary>{summary}</summary>
      <div className="explainer-body">{children}</div>
    </details>
  )
}

export function TracesExplainer({ form }: { form: FormInfo }): React.JSX.Element {
  return (
    <Explainer summary={`How to read the gates · ${formWords(form)}`} testId="explain-traces">
      <Equations form={form} />
      <div className="explainer-text">
        <p>
          Each heatmap is one quantity of the equations: a row per unit, a column per step <Tex>t</Tex>. Gates lie between 0 (closed) and 1 (open) and use the
          cell’s colour (more ink is more open); states are signed (purple below 0, green above).
        </p>
        {form.cell === 'lstm' && (
          <ul>
            <li>A forget gate <Tex>f</Tex> near 1 keeps the cell’s content; near 0 erases it.</li>
            <li>
              The input gate <Tex>i</Tex> decides how much of the candidate <Tex>g</Tex> is written. The candidate is a fresh <Tex>\tanh</Tex> proposal from{' '}
              <Tex>x_t</Tex> and <Tex>{'h_{t-1}'}</Tex>; the old cell enters only through <Tex>{'f_t \\odot c_{t-1}'}</Tex>.
            </li>
            <li>The output gate <Tex>o</Tex> decides how much of the cell shows in <Tex>h</Tex>, the layer’s output.</li>
            <li>Look for units whose <Tex>f</Tex> stays near 1 over long stretches while <Tex>i</Tex> opens only at a few steps: they store what they saw there.</li>
          </ul>
        )}
        {form.cell === 'gru' && (
          <ul>
            <li>An update gate <Tex>z</Tex> near 1 keeps the old state; near 0 replaces it by the candidate <Tex>n</Tex>. So <Tex>z</Tex> plays the LSTM forget gate’s role and <Tex>1 - z</Tex> its input gate’s.</li>
            <li>
              The reset gate <Tex>r</Tex> decides how much of the old state the candidate may use
              {form.form === 'gru-before' ? ' (here applied to h before the recurrent weights: the reset-before form).' : ' (here applied after the recurrent weights: the reset-after form).'}
            </li>
            <li>Look for units whose <Tex>z</Tex> stays near 1 between a few steps where it drops: they hold a value across time.</li>
          </ul>
        )}
        {form.cell === 'rnn' && (
          <ul>
            <li>A vanilla RNN has no gates: the whole state is rewritten through <Tex>\tanh</Tex> at every step, so what it saw long ago fades (see the gradient flow).</li>
          </ul>
        )}
        <p className="small muted">Hover a cell for its exact value, step and unit; click a unit (or press Enter on a focused heatmap) to draw all its gates as lines.</p>
      </div>
    </Explainer>
  )
}

export function GradientExplainer({ lstm }: { lstm: boolean }): React.JSX.Element {
  return (
    <Explainer summary="How to read the gradient flow" testId="explain-gradients">
      <div className="explainer-text">
        <p>
          <Tex>{'\\lVert \\partial L / \\partial h_t \\rVert_2'}</Tex> at every step: how strongly the loss at the end of the sequence depends on the state at step{' '}
          <Tex>t</Tex>. On this log scale a straight fall going back from the last step is exponential decay: the vanishing gradient that keeps a plain RNN from
          learning long dependencies.
          {lstm && (
            <>
              {' '}For the LSTM, <Tex>{'\\lVert \\partial L / \\partial c_t \\rVert_2'}</Tex> follows the cell’s additive path (<Tex>{'c_t = f_t \\odot c_{t-1} + \\dots'}</Tex>), so
              it barely decays while the forget gates stay near 1.
            </>
          )}
        </p>
      </div>
    </Explainer>
  )
}

export function MemoryExplainer({ cell }: { cell: 'lstm' | 'gru' }): React.JSX.Element {
  const gate = cell === 'lstm' ? 'f' : 'z'
  return (
    <Explainer summary="How to read memory retention" testId="explain-memory">
      <div className="explainer-text">
        <p>
          <Tex>{`\\prod_{s=t+1}^{T} ${gate}_s`}</Tex> per unit: how much of what was written at step <Tex>t</Tex> still reaches the last step (1 = all of it, 0 =
          overwritten). {cell === 'lstm' ? 'A forget-gate bias of 1 (the unit forget bias) starts every unit near the top of this scale.' : 'It is the same product for the GRU’s update gate, which keeps h as the LSTM’s forget gate keeps c.'}
        </p>
      </div>
    </Explainer>
  )
}

export function AttributionExplainer({ igSteps }: { igSteps: number }): React.JSX.Element {
  return (
    <Explainer summary="How to read the attribution" testId="explain-attribution">
      <div className="explainer-text">
        <p>
          Which input steps and features the prediction rests on. <b>Gradient × input</b> is <Tex>{'x \\odot \\partial \\hat y / \\partial x'}</Tex>;{' '}
          <b>integrated gradients</b> average the gradient along the straight path from a baseline <Tex>{"x'"}</Tex> (the training mean, 0 after z-scoring) to{' '}
          <Tex>x</Tex>, here with {igSteps} interpolation points, and sum to about <Tex>{"\\hat y(x) - \\hat y(x')"}</Tex>. Plain gradients (saliency) are biased
          across time steps (Ismail et al. 2020); the method drawn is named above the heatmap.
        </p>
      </div>
    </Explainer>
  )
}

export function SaturationExplainer(): React.JSX.Element {
  return (
    <Explainer summary="How to read the saturation scatter" testId="explain-saturation">
      <div className="explainer-text">
        <p>
          One dot per unit (Karpathy, Johnson &amp; Fei-Fei 2015): <b>x</b> is the fraction of steps the gate is left-saturated (below 0.1, shut), <b>y</b> the
          fraction right-saturated (above 0.9, open), over the sequences of the split. Dots near the origin are gates that act gradually; a forget gate (or GRU{' '}
          <Tex>z</Tex>) high on the y axis is an integrator that keeps its content; gates near the x axis mostly block. Gates that play the same role in two
          runs sit in one row: LSTM <Tex>f</Tex> ↔ GRU <Tex>z</Tex>, LSTM <Tex>i</Tex> ↔ GRU <Tex>1 - z</Tex>; LSTM <Tex>o</Tex> and GRU <Tex>r</Tex> stand alone.
        </p>
      </div>
    </Explainer>
  )
}
