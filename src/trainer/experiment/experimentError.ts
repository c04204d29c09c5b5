// An experiment that passed validation but asks for what the data or the model cannot give: a
// positive class that is not one of the classes, a `pretrained` folder that is no model, images
// too small for the architecture. Its message names the setting and what to change.
export class ExperimentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExperimentError';
  }
}
