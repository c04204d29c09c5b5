// Entry of the dashboard webview (bundled to dist/webview/dashboard.js and .css).
import '../common/zodJitless';
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import '../common/saliency.css';
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
} from '@vscode/webview-ui-toolkit';
import { connectToHost } from '../common/vscodeApi';
import { DashboardApp } from './dashboardApp';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodePanels(),
  vsCodePanelTab(),
  vsCodePanelView(),
  vsCodeProgressRing(),
  vsCodeRadio(),
  vsCodeRadioGroup(),
);

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
new DashboardApp(root, connectToHost());
