// Entry of the Monitor webview view (bundled to dist/webview/monitor.js and .css).
import '../common/zodJitless';
import 'uplot/dist/uPlot.min.css';
import './monitor.css';
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';
import { connectToHost } from '../common/vscodeApi';
import { MonitorApp } from './monitorApp';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeProgressRing());

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
new MonitorApp(root, connectToHost());
