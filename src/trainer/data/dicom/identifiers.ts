// Tags that identify a patient or others involved in a study, after the Basic Application
// Level Confidentiality Profile of DICOM PS3.15 (Annex E, table E.1-1). Their values are never
// read into anything the trainer writes: the loader only asks whether a file carries any, so
// the log can say the data is not de-identified.
import type { DataSet } from 'dicom-parser';

/** dicom-parser tag keys (`xGGGGEEEE`) with the attribute names, for documentation and tests. */
export const IDENTIFYING_TAGS: Readonly<Record<string, string>> = {
  x00080050: 'AccessionNumber',
  x00080080: 'InstitutionName',
  x00080081: 'InstitutionAddress',
  x00080090: 'ReferringPhysicianName',
  x00080092: 'ReferringPhysicianAddress',
  x00080094: 'ReferringPhysicianTelephoneNumbers',
  x00081010: 'StationName',
  x00081040: 'InstitutionalDepartmentName',
  x00081048: 'PhysiciansOfRecord',
  x00081050: 'PerformingPhysicianName',
  x00081060: 'NameOfPhysiciansReadingStudy',
  x00081070: 'OperatorsName',
  x00100010: 'PatientName',
  x00100020: 'PatientID',
  x00100021: 'IssuerOfPatientID',
  x00100030: 'PatientBirthDate',
  x00100032: 'PatientBirthTime',
  x00101000: 'OtherPatientIDs',
  x00101001: 'OtherPatientNames',
  x00101005: 'PatientBirthName',
  x00101040: 'PatientAddress',
  x00101060: 'PatientMotherBirthName',
  x00102154: 'PatientTelephoneNumbers',
  x00200010: 'StudyID',
  x00321032: 'RequestingPhysician',
  x00400006: 'ScheduledPerformingPhysicianName',
  x0040a123: 'PersonName',
};

/** Whether the data set carries a non-empty value in any identifying tag (the values stay unread). */
export function carriesIdentifiers(dataSet: DataSet): boolean {
  for (const tag of Object.keys(IDENTIFYING_TAGS)) {
    const element = dataSet.elements[tag];
    if (!element || element.length === 0) continue;
    // A value of only padding (spaces, NULs) identifies nobody.
    for (let i = element.dataOffset; i < element.dataOffset + element.length; i++) {
      const byte = dataSet.byteArray[i];
      if (byte !== undefined && byte !== 0x20 && byte !== 0x00) return true;
    }
  }
  return false;
}
