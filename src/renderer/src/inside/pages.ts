/** The Inside view's two pages, for App's router. */
import './inside.css'
export { InsidePage } from './InsidePage'
export { InsideComparePage } from './InsideComparePage'
