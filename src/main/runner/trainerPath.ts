/** Where the built trainer entry lives: electron-vite bundles it separately and gives us its path. */
import trainerPath from './trainer?modulePath'

export default trainerPath
