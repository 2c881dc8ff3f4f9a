/**
 * The real series GateLab ships (`--task data:NAME`): small CSV files copied byte for byte from the vega-datasets npm
 * package (3.2.1) into resources/datasets, with their sources and licences (resources/datasets/SOURCES.md). Pure data,
 * so the renderer's New run form can list them without asking the host; the host reads the files (src/main/data).
 * A unit test checks every entry against its file (rows, columns, sha256), so this list cannot drift from the files.
 */

export interface BundledDataset {
  /** The NAME in `data:NAME`. */
  name: string
  /** The file in resources/datasets. */
  file: string
  title: string
  description: string
  /** Data rows (without the header). */
  rows: number
  columns: string[]
  /** Defaults for a run that does not choose: the column predicted, the time column, the lookback. */
  target: string
  time: string
  lookback: number
  /** Columns that hold text (categories), not offered as inputs. */
  textColumns?: string[]
  /** The default target's unit (shown beside errors in original units) and its season in rows, when it has one. */
  unit?: string
  season?: number
  /** Who measured it, with a link. */
  source: string
  licence: string
  /** sha256 of the file's bytes: the content hash a run records. */
  sha256: string
}

export const bundledDatasets: readonly BundledDataset[] = [
  {
    name: 'co2-concentration',
    file: 'co2-concentration.csv',
    title: 'CO₂ at Mauna Loa, monthly 1958–2020',
    description: 'Monthly atmospheric CO₂ (ppm) at Mauna Loa Observatory, March 1958 to April 2020, with a seasonally adjusted column: a trend with a yearly cycle.',
    rows: 741,
    columns: ['Date', 'CO2', 'adjusted CO2'],
    target: 'CO2',
    time: 'Date',
    lookback: 24,
    unit: 'ppm',
    season: 12,
    source: 'Scripps CO2 Program, Scripps Institution of Oceanography (C. D. Keeling, R. F. Keeling et al.), https://scrippsco2.ucsd.edu/data/atmospheric_co2/primary_mlo_co2_record — via vega-datasets',
    licence: 'CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)',
    sha256: 'c1a4a970864145940a28225cae288618b156cb32f9a2a1b6606ba7124134febb'
  },
  {
    name: 'seattle-weather',
    file: 'seattle-weather.csv',
    title: 'Seattle weather, daily 2012–2015',
    description: 'Daily weather in Seattle, 2012 to 2015: precipitation (mm), maximum and minimum temperature (°C), wind speed and a weather category.',
    rows: 1461,
    columns: ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'],
    target: 'temp_max',
    time: 'date',
    textColumns: ['weather'],
    lookback: 30,
    unit: '°C',
    season: 365,
    source: 'NOAA National Climatic Data Center, https://www.ncdc.noaa.gov/cdo-web/ — via vega-datasets',
    licence: 'U.S. Government work, public domain (https://www.usa.gov/government-works)',
    sha256: '0845078a290b48e3149ab8639966824110a251db4e06fc144c06ebb534af23be'
  },
  {
    name: 'global-temp',
    file: 'global-temp.csv',
    title: 'Global temperature anomaly, yearly 1880–2023',
    description: 'Yearly global land–ocean temperature anomaly (°C, relative to 1951–1980), 1880 to 2023 (GISTEMP L-OTI).',
    rows: 144,
    columns: ['year', 'temp'],
    target: 'temp',
    time: 'year',
    lookback: 10,
    unit: '°C',
    source: 'NASA Goddard Institute for Space Studies, GISTEMP, https://data.giss.nasa.gov/gistemp/ — via vega-datasets',
    licence: 'U.S. Government work, public domain (https://www.usa.gov/government-works)',
    sha256: '5933dcb6d5e7fc5c0c241b956b802de2b02da12d0914d06031030579a0f1443b'
  },
  {
    name: 'us-employment',
    file: 'us-employment.csv',
    title: 'U.S. employment by sector, monthly 2006–2015',
    description: 'Monthly U.S. employment (thousands, seasonally adjusted) in 22 supersectors, January 2006 to December 2015: the 2008 recession and recovery.',
    rows: 120,
    columns: [
      'month', 'nonfarm', 'private', 'goods_producing', 'service_providing', 'private_service_providing', 'mining_and_logging',
      'construction', 'manufacturing', 'durable_goods', 'nondurable_goods', 'trade_transportation_utilties', 'wholesale_trade',
      'retail_trade', 'transportation_and_warehousing', 'utilities', 'information', 'financial_activities',
      'professional_and_business_services', 'education_and_health_services', 'leisure_and_hospitality', 'other_services',
      'government', 'nonfarm_change'
    ],
    target: 'nonfarm',
    time: 'month',
    lookback: 12,
    unit: 'thousand jobs',
    source: 'U.S. Bureau of Labor Statistics, Current Employment Statistics, https://www.bls.gov/ces/ — via vega-datasets',
    licence: 'U.S. Government work, public domain (https://www.usa.gov/government-works)',
    sha256: '0fa5366929bf738ac420509b84ed120155f740b0fa9c265ca309dad4057d1b1b'
  }
]

export function findBundledDataset(name: string): BundledDataset | undefined {
  return bundledDatasets.find((d) => d.name === name)
}
