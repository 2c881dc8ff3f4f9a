/**
 * How a run looks in every chart and legend: the one figure style shared with the reports and figure exports
 * (src/shared/figures/style.ts). Its colour says the cell (LSTM blue, GRU orange, RNN grey); a line style and a slight
 * shade tell runs of the same cell apart, in the order runs are given.
 */
export { dashArray, dashes, runStyles, type Dash, type RunStyle } from '../../../shared/figures/style'
