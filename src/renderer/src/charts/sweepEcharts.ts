/**
 * The ECharts parts the sweep charts add to those charts/echarts.ts registers: the parallel-coordinates series and its
 * coordinate system, and the scatter series. Registered once, when this module is first imported.
 */
import { ParallelChart, ScatterChart } from 'echarts/charts'
import { ParallelComponent } from 'echarts/components'
import { echarts } from './echarts'

echarts.use([ParallelChart, ParallelComponent, ScatterChart])

export { echarts }
