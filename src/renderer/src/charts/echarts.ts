/**
 * ECharts, only the parts the lab draws: line charts on a grid with tooltips, zoom and marker lines, on canvas.
 * Importing echarts/core instead of 'echarts' keeps the bundle to what is registered here. (ECharts needs no eval,
 * so the CSP's script-src 'self' holds.)
 */
import * as echarts from 'echarts/core'
import { LineChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, MarkLineComponent, MarkPointComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, GridComponent, TooltipComponent, DataZoomComponent, MarkLineComponent, MarkPointComponent, CanvasRenderer])

export { echarts }
export type { EChartsCoreOption } from 'echarts/core'
