/**
 * Light and dark: the system's choice by default, or the user's (kept in localStorage). The resolved theme is set on
 * <html data-theme> for CSS and handed to charts, which draw on a canvas and cannot read CSS variables by themselves.
 */
import { createContext, useContext, useEffect, useState } from 'react'

export type ThemePreference = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'

const KEY = 'gatelab.theme'

function readPreference(): ThemePreference {
  try {
    const v = window.localStorage.getItem(KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

export function useThemeState(): { preference: ThemePreference; theme: Theme; setPreference: (p: ThemePreference) => void } {
  const [preference, setPref] = useState<ThemePreference>(readPreference)
  const [systemDark, setSystemDark] = useState(() => window.matchMedia('(prefers-color-scheme: dark)').matches)
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)')
    const onChange = (e: MediaQueryListEvent): void => setSystemDark(e.matches)
    mq.addEventListener('change', onChange)
    return () => mq.removeEventListener('change', onChange)
  }, [])
  const theme: Theme = preference === 'system' ? (systemDark ? 'dark' : 'light') : preference
  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])
  const setPreference = (p: ThemePreference): void => {
    setPref(p)
    try {
      if (p === 'system') window.localStorage.removeItem(KEY)
      else window.localStorage.setItem(KEY, p)
    } catch {
      // Storage can be unavailable (private windows); the choice then lasts for this page only.
    }
  }
  return { preference, theme, setPreference }
}

export const ThemeContext = createContext<Theme>('light')
export const useTheme = (): Theme => useContext(ThemeContext)

/** Chart colours per theme; cell colours are the same as in styles.css (LSTM blue, GRU orange, RNN grey). */
export const chartPalette = {
  light: { text: '#1c1d1f', muted: '#62646a', axis: '#c9c8c0', split: '#ecebe6', tooltipBg: '#ffffff', tooltipBorder: '#dddcd5', bg: '#ffffff' },
  dark: { text: '#e8e8e6', muted: '#9a9ca3', axis: '#44474e', split: '#2b2d32', tooltipBg: '#26282d', tooltipBorder: '#3a3d44', bg: '#1e2024' }
} as const

type ChartPalette = (typeof chartPalette)[keyof typeof chartPalette]

/** What every chart's option starts with: no animation, a transparent background, the theme's text. */
export function chartFrame(pal: ChartPalette): { animation: false; backgroundColor: string; textStyle: { fontFamily: string; color: string } } {
  return { animation: false, backgroundColor: 'transparent', textStyle: { fontFamily: 'system-ui, sans-serif', color: pal.muted } }
}

/** Tooltips in the theme, kept inside the chart; each chart adds its trigger and formatter. */
export function chartTooltip(pal: ChartPalette): { confine: true; backgroundColor: string; borderColor: string; textStyle: { color: string; fontSize: number } } {
  return { confine: true, backgroundColor: pal.tooltipBg, borderColor: pal.tooltipBorder, textStyle: { color: pal.text, fontSize: 12 } }
}

/** Cell and group colours: the one figure style of the lab and its exports (src/shared/figures/style.ts). */
export { cellColors, groupColors } from '../../shared/figures/style'
