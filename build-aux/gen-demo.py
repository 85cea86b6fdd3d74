#!/usr/bin/env python3
# gen-demo.py — writes the embedded demo card: resources/demo/demo-card.json
# (a FHIR R4 Bundle of type collection with date tokens, see
# resources/demo/README.md) and the small PDFs in resources/demo/files/.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: build-aux/gen-demo.py            JSON + PDFs (reproducible: fixed seed)
#        build-aux/gen-demo.py --images   also redraw the JPEG/PNG scans with
#                                         ImageMagick's convert (done once; the
#                                         committed images are what ships)
# No network, no third-party Python modules.

import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
DEMO_DIR = os.path.join(ROOT, 'resources', 'demo')
FILES_DIR = os.path.join(DEMO_DIR, 'files')

rng = random.Random(20240917)

MK = 'https://medkarta.github.io/fhir/'
SYS_SNILS = 'urn:oid:1.2.643.100.3'
SYS_OMS = MK + 'sid/oms'
SYS_PASSPORT = MK + 'sid/passport-rf'
SYS_INN_PERSON = 'urn:oid:1.2.643.3.131.1.1'
SYS_INN_ORG = 'urn:oid:1.2.643.100.4'
SYS_OGRN = 'urn:oid:1.2.643.100.1'
SYS_ERX = MK + 'sid/erx-code'
SYS_BOOKING = MK + 'sid/booking-code'
EXT_VALID_UNTIL = MK + 'StructureDefinition/valid-until'
EXT_STAGE = MK + 'StructureDefinition/prescription-stage'
EXT_PHARMACY = MK + 'StructureDefinition/pharmacy'
CS_RECORD_KIND = MK + 'CodeSystem/record-kind'
LOINC = 'http://loinc.org'
UCUM = 'http://unitsofmeasure.org'
ICD10 = 'http://hl7.org/fhir/sid/icd-10'
ATC = 'http://www.whocc.no/atc'
CVX = 'http://hl7.org/fhir/sid/cvx'
V3_ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode'
V3_INTERP = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation'
OBS_CAT = 'http://terminology.hl7.org/CodeSystem/observation-category'

PATIENT = 'Patient/demo-patient'

# ---------------------------------------------------------------- tokens


def _sign(n):
    return '0' if n == 0 else ('%+d' % n)


def d(n):
    """A date n days from the anchor."""
    return '@date(%s)' % _sign(n)


def dt(n, hm):
    """A local date-time with its offset, n days from the anchor."""
    return '@datetime(%s, %s)' % (_sign(n), hm)


def inst(n, hm):
    """The same local time, as a UTC instant."""
    return '@instant(%s, %s)' % (_sign(n), hm)


def meta(n, hm='12:00'):
    return {'versionId': '1', 'lastUpdated': inst(n, hm)}


def ref(reference, display=None):
    r = {'reference': reference}
    if display:
        r['display'] = display
    return r


def cc(system, code, display, text=None):
    c = {'coding': [{'system': system, 'code': code, 'display': display}]}
    if text:
        c['text'] = text
    return c


def valid_until(n):
    return {'url': EXT_VALID_UNTIL, 'valueDate': d(n)}

# ---------------------------------------------------------------- identifiers


def snils(first9):
    digits = [int(c) for c in first9]
    s = sum(dg * (9 - i) for i, dg in enumerate(digits))
    if s < 100:
        ctl = s
    elif s in (100, 101):
        ctl = 0
    else:
        ctl = (s % 101) % 100
    return first9 + '%02d' % ctl


def inn_person(first10):
    d10 = [int(c) for c in first10]
    n11 = sum(a * b for a, b in zip(d10, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    d11 = d10 + [n11]
    n12 = sum(a * b for a, b in zip(d11, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10
    return first10 + str(n11) + str(n12)


def inn_org(first9):
    d9 = [int(c) for c in first9]
    return first9 + str(sum(a * b for a, b in zip(d9, [2, 4, 10, 3, 5, 9, 4, 6, 8])) % 11 % 10)


def ogrn(first12):
    return first12 + str(int(first12) % 11 % 10)


def digits(n):
    return ''.join(str(rng.randrange(10)) for _ in range(n))


assert snils('112233445') == '11223344595'
assert inn_org('770708389') == '7707083893'
assert inn_person('5001007322') == '500100732259'
assert ogrn('102770013219') == '1027700132195'

# ---------------------------------------------------------------- the card

resources = []


def add(res):
    assert res['id'] and re.match(r'^[A-Za-z0-9.-]{1,64}$', res['id']), res['id']
    resources.append(res)
    return res


# Organizations --------------------------------------------------------------

def organization(oid, name, alias, kind, inn9, ogrn12, address, phone, n=-1300):
    return add({
        'resourceType': 'Organization', 'id': oid, 'meta': meta(n, '09:00'),
        'identifier': [
            {'system': SYS_INN_ORG, 'value': inn_org(inn9)},
            {'system': SYS_OGRN, 'value': ogrn(ogrn12)},
        ],
        'active': True,
        'type': [cc('http://terminology.hl7.org/CodeSystem/organization-type', kind[0], kind[1], kind[2])],
        'name': name,
        'alias': [alias],
        'telecom': [{'system': 'phone', 'value': phone, 'use': 'work'}],
        'address': [{'use': 'work', 'type': 'both', 'text': address,
                     'city': 'Москва', 'country': 'RU'}],
    })


POLY = 'Organization/org-polyclinic'
HOSP = 'Organization/org-hospital'
LAB = 'Organization/org-lab'

organization('org-polyclinic',
             'Государственное бюджетное учреждение здравоохранения города Москвы '
             '«Городская поликлиника № 247 Департамента здравоохранения города Москвы»',
             'ГП № 247', ('prov', 'Healthcare Provider', 'Поликлиника'),
             '771' + digits(6), '1027739' + digits(5),
             '129344, г. Москва, ул. Енисейская, д. 14, корп. 2', '+74955550247')
organization('org-hospital',
             'Государственное бюджетное учреждение здравоохранения города Москвы '
             '«Городская клиническая больница № 58 Департамента здравоохранения города Москвы»',
             'ГКБ № 58', ('prov', 'Healthcare Provider', 'Больница'),
             '771' + digits(6), '1027700' + digits(5),
             '127282, г. Москва, Широкая ул., д. 31', '+74955550058')
organization('org-lab',
             'Общество с ограниченной ответственностью «Лаборатория «Вектор-Диагностика»',
             'Лаборатория «Вектор-Диагностика»', ('prov', 'Healthcare Provider', 'Лаборатория'),
             '771' + digits(6), '1157746' + digits(5),
             '129226, г. Москва, ул. Сельскохозяйственная, д. 17, корп. 4', '+74955551790')
organization('org-employer',
             'Государственное бюджетное общеобразовательное учреждение города Москвы «Школа № 2089»',
             'Школа № 2089', ('edu', 'Educational Institute', 'Место работы'),
             '771' + digits(6), '1027739' + digits(5),
             '129347, г. Москва, ул. Ротерта, д. 6', '+74955552089')
organization('org-pharmacy',
             'Общество с ограниченной ответственностью «Аптека «Здоровье+»',
             'Аптека «Здоровье+»', ('other', 'Other', 'Аптека'),
             '771' + digits(6), '1187746' + digits(5),
             '129344, г. Москва, ул. Енисейская, д. 20', '+74955553612')

# Locations --------------------------------------------------------------------


def location(lid, name, org, address=None, virtual=False):
    res = {'resourceType': 'Location', 'id': lid, 'meta': meta(-1300, '09:05'),
           'status': 'active', 'name': name, 'managingOrganization': ref(org)}
    if virtual:
        res['physicalType'] = cc('http://terminology.hl7.org/CodeSystem/location-physical-type',
                                 'vi', 'Virtual', 'Телемедицинская консультация')
        res['telecom'] = [{'system': 'url', 'value': 'https://telemed.gp247.example.org/'}]
    else:
        res['physicalType'] = cc('http://terminology.hl7.org/CodeSystem/location-physical-type',
                                 'ro', 'Room', 'Кабинет')
        res['address'] = {'text': address, 'city': 'Москва', 'country': 'RU'}
    return add(res)


POLY_ADDR = 'г. Москва, ул. Енисейская, д. 14, корп. 2'
location('loc-gp-210', 'ГП № 247, кабинет 210 (терапевт)', POLY, POLY_ADDR)
location('loc-gp-305', 'ГП № 247, кабинет 305 (кардиолог)', POLY, POLY_ADDR)
location('loc-gp-318', 'ГП № 247, кабинет 318 (офтальмолог)', POLY, POLY_ADDR)
location('loc-gp-401', 'ГП № 247, кабинет 401 (эндокринолог)', POLY, POLY_ADDR)
location('loc-gp-112', 'ГП № 247, кабинет 112 (стоматолог)', POLY, POLY_ADDR)
location('loc-hosp', 'ГКБ № 58, терапевтическое отделение № 2', HOSP, 'г. Москва, Широкая ул., д. 31')
location('loc-telemed', 'ГП № 247, телемедицина', POLY, virtual=True)

# Practitioners ---------------------------------------------------------------

PRACT = {}


def practitioner(pid, family, given, patronymic, gender, birth, specialty, org, role_code='doctor', extra_orgs=()):
    first9 = digits(9)
    inn10 = '77' + digits(8)
    add({
        'resourceType': 'Practitioner', 'id': pid, 'meta': meta(-1300, '09:10'),
        'identifier': [{'system': SYS_SNILS, 'value': snils(first9)},
                       {'system': SYS_INN_PERSON, 'value': inn_person(inn10)}],
        'active': True,
        'name': [{'use': 'official', 'text': '%s %s %s' % (family, given, patronymic),
                  'family': family, 'given': [given, patronymic]}],
        'gender': gender, 'birthDate': birth,
        'qualification': [{'code': {'text': specialty}}],
    })
    display = '%s %s. %s.' % (family, given[0], patronymic[0])
    PRACT[pid] = (display, specialty)
    for i, o in enumerate((org,) + tuple(extra_orgs)):
        add({
            'resourceType': 'PractitionerRole', 'id': 'role-%s%s' % (pid[3:], '' if i == 0 else '-%d' % i),
            'meta': meta(-1300, '09:15'), 'active': True,
            'practitioner': ref('Practitioner/' + pid, display),
            'organization': ref(o),
            'code': [cc('http://terminology.hl7.org/CodeSystem/practitioner-role', role_code,
                        'Doctor' if role_code == 'doctor' else 'Researcher')],
            'specialty': [{'text': specialty}],
            'telecom': [{'system': 'phone', 'value': '+7495555%04d' % rng.randrange(10000), 'use': 'work'}],
        })


practitioner('pr-therapist', 'Кузнецова', 'Ирина', 'Викторовна', 'female', '1979-03-02', 'Терапевт участковый', POLY)
practitioner('pr-cardiologist', 'Абрамов', 'Дмитрий', 'Сергеевич', 'male', '1975-11-21', 'Кардиолог', POLY, extra_orgs=(HOSP,))
practitioner('pr-ophthalmologist', 'Орлова', 'Наталья', 'Игоревна', 'female', '1983-07-14', 'Офтальмолог', POLY)
practitioner('pr-endocrinologist', 'Гусейнова', 'Эльмира', 'Рашидовна', 'female', '1981-01-30', 'Эндокринолог', POLY)
practitioner('pr-dentist', 'Миронов', 'Артём', 'Олегович', 'male', '1990-05-09', 'Стоматолог-терапевт', POLY)
practitioner('pr-dermatologist', 'Лебедева', 'Оксана', 'Юрьевна', 'female', '1977-09-18', 'Дерматовенеролог', POLY)
practitioner('pr-radiologist', 'Жукова', 'Татьяна', 'Николаевна', 'female', '1969-12-05', 'Рентгенолог', POLY)
practitioner('pr-neurologist', 'Фёдоров', 'Павел', 'Андреевич', 'male', '1986-02-27', 'Невролог', POLY)
practitioner('pr-pulmonologist', 'Белова', 'Светлана', 'Михайловна', 'female', '1972-06-11', 'Пульмонолог', HOSP)
practitioner('pr-labdoc', 'Соколова', 'Марина', 'Александровна', 'female', '1985-10-03',
             'Врач клинической лабораторной диагностики', LAB, role_code='researcher')


def pref(pid):
    return ref('Practitioner/' + pid, PRACT[pid][0])

# Patient ---------------------------------------------------------------------


PATIENT_SNILS = snils('1' + digits(8))
PATIENT_INN = inn_person('7716' + digits(6))
PATIENT_OMS = '7751' + digits(12)
PATIENT_PASSPORT = '4508' + digits(6)

add({
    'resourceType': 'Patient', 'id': 'demo-patient', 'meta': meta(-40, '18:20'),
    'identifier': [
        {'use': 'official', 'system': SYS_SNILS, 'value': PATIENT_SNILS,
         'type': cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'SB', 'Social Beneficiary Identifier', 'СНИЛС')},
        {'use': 'official', 'system': SYS_OMS, 'value': PATIENT_OMS,
         'type': cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'MC', "Patient's Medicare Number", 'Полис ОМС'),
         'assigner': {'display': 'АО «Страховая компания «Медстрах-М»'}},
        {'use': 'official', 'system': SYS_PASSPORT, 'value': PATIENT_PASSPORT,
         'type': cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'PPN', 'Passport number', 'Паспорт РФ'),
         'period': {'start': '2008-05-06'},
         'assigner': {'display': 'ОВД района Свиблово города Москвы, код подразделения 772-043'}},
        {'use': 'official', 'system': SYS_INN_PERSON, 'value': PATIENT_INN,
         'type': cc('http://terminology.hl7.org/CodeSystem/v2-0203', 'TAX', 'Tax ID number', 'ИНН')},
    ],
    'active': True,
    'name': [{'use': 'official', 'text': 'Семёнова-Ларина Алёна Петровна',
              'family': 'Семёнова-Ларина', 'given': ['Алёна', 'Петровна']}],
    'telecom': [
        {'system': 'phone', 'value': '+79165550147', 'use': 'mobile', 'rank': 1},
        {'system': 'email', 'value': 'alena.semyonova-larina@example.org', 'use': 'home', 'rank': 2},
    ],
    'gender': 'female',
    'birthDate': '1988-04-17',
    # Registration address (адрес регистрации) = home; the actual one
    # (фактический адрес, only because it differs) = temp.
    'address': [
        {'use': 'home', 'type': 'both',
         'text': '129345, г. Москва, ул. Осташковская, д. 9, корп. 1, кв. 58',
         'line': ['ул. Осташковская, д. 9, корп. 1, кв. 58'], 'city': 'Москва',
         'postalCode': '129345', 'country': 'RU', 'period': {'start': '2010-09-14'}},
        {'use': 'temp', 'type': 'physical',
         'text': '129344, г. Москва, ул. Енисейская, д. 22, кв. 117',
         'line': ['ул. Енисейская, д. 22, кв. 117'], 'city': 'Москва',
         'postalCode': '129344', 'country': 'RU'},
    ],
    'maritalStatus': cc('http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', 'M', 'Married', 'Замужем'),
    'contact': [{
        'relationship': [cc('http://terminology.hl7.org/CodeSystem/v2-0131', 'E', 'Employer', 'Место работы')],
        'organization': ref('Organization/org-employer', 'Школа № 2089'),
        'name': {'text': 'Учитель начальных классов, с 01.09.2015'},
        'telecom': [{'system': 'phone', 'value': '+74955552089', 'use': 'work'}],
    }],
    'communication': [{'language': cc('urn:ietf:bcp:47', 'ru', 'Russian', 'Русский'), 'preferred': True}],
    'generalPractitioner': [ref(POLY, 'ГП № 247'), pref('pr-therapist')],
    'managingOrganization': ref(POLY, 'ГП № 247'),
})

# Encounters and conditions --------------------------------------------------

LOC_OF = {'pr-therapist': 'loc-gp-210', 'pr-cardiologist': 'loc-gp-305', 'pr-ophthalmologist': 'loc-gp-318',
          'pr-endocrinologist': 'loc-gp-401', 'pr-dentist': 'loc-gp-112', 'pr-neurologist': 'loc-gp-210',
          'pr-dermatologist': 'loc-gp-210', 'pr-radiologist': 'loc-gp-210', 'pr-pulmonologist': 'loc-hosp'}

CONDITIONS = {}


def condition(cid, n, code, display, pid, enc, chronic=False, resolved_at=None, category='encounter-diagnosis', note=None):
    res = {
        'resourceType': 'Condition', 'id': cid, 'meta': meta(n, '17:00'),
        'clinicalStatus': cc('http://terminology.hl7.org/CodeSystem/condition-clinical',
                             'resolved' if resolved_at is not None else 'active',
                             'Resolved' if resolved_at is not None else 'Active'),
        'verificationStatus': cc('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
        'category': [cc('http://terminology.hl7.org/CodeSystem/condition-category', category,
                        'Encounter Diagnosis' if category == 'encounter-diagnosis' else 'Problem List Item')],
        'code': {'coding': [{'system': ICD10, 'code': code, 'display': display}], 'text': display},
        'subject': ref(PATIENT),
        'encounter': ref('Encounter/' + enc),
        'onsetDateTime': dt(n, '09:00'),
        'recordedDate': dt(n, '09:30'),
        'recorder': pref(pid), 'asserter': pref(pid),
    }
    if resolved_at is not None:
        res['abatementDateTime'] = dt(resolved_at, '12:00')
        res['meta'] = meta(resolved_at, '17:00')
    if note:
        res['note'] = [{'text': note}]
    CONDITIONS[cid] = display
    return add(res)


def encounter(eid, n, hm, minutes, pid, org, kind, reason, conditions, cls='AMB', end_n=None, loc=None, hospital=None):
    h, m = map(int, hm.split(':'))
    end_min = h * 60 + m + minutes
    res = {
        'resourceType': 'Encounter', 'id': eid, 'meta': meta(end_n if end_n is not None else n, '18:00'),
        'status': 'finished',
        'class': {'system': V3_ACT, 'code': cls,
                  'display': {'AMB': 'ambulatory', 'IMP': 'inpatient encounter', 'VR': 'virtual'}[cls]},
        'type': [{'text': kind}],
        'serviceType': {'text': PRACT[pid][1]},
        'subject': ref(PATIENT),
        'participant': [{'individual': pref(pid)}],
        'period': {'start': dt(n, hm),
                   'end': dt(end_n, '12:00') if end_n is not None else dt(n, '%02d:%02d' % divmod(end_min, 60))},
        'reasonCode': [{'text': reason}],
        'diagnosis': [{'condition': ref('Condition/' + c, CONDITIONS.get(c)),
                       'use': cc('http://terminology.hl7.org/CodeSystem/diagnosis-role',
                                 'DD' if cls == 'IMP' else 'AD',
                                 'Discharge diagnosis' if cls == 'IMP' else 'Admission diagnosis'),
                       'rank': i + 1} for i, c in enumerate(conditions)],
        'serviceProvider': ref(org),
        'location': [{'location': ref('Location/' + (loc or LOC_OF[pid]))}],
    }
    if hospital:
        res['hospitalization'] = hospital
    return add(res)


# (id, day, time, minutes, practitioner, org, type, reason)
condition('cond-orvi-1', -1290, 'J06.9', 'Острая инфекция верхних дыхательных путей неуточнённая',
          'pr-therapist', 'enc-1290', resolved_at=-1282)
encounter('enc-1290', -1290, '10:20', 20, 'pr-therapist', POLY, 'Консультация',
          'Температура 37,8 °C, насморк, боль в горле', ['cond-orvi-1'])

condition('cond-dispanser-1', -1200, 'Z00.0', 'Общий медицинский осмотр', 'pr-therapist', 'enc-1200', resolved_at=-1200)
encounter('enc-1200', -1200, '08:40', 40, 'pr-therapist', POLY, 'Профилактика',
          'Диспансеризация, первый этап', ['cond-dispanser-1'])

condition('cond-hypothyroid', -1150, 'E03.9', 'Гипотиреоз неуточнённый', 'pr-endocrinologist', 'enc-1150',
          category='problem-list-item', note='ТТГ 8,2 мМЕ/л. Назначен левотироксин натрия 50 мкг, контроль ТТГ через 6–8 недель.')
encounter('enc-1150', -1150, '11:00', 25, 'pr-endocrinologist', POLY, 'Консультация',
          'Повышенный ТТГ по результатам диспансеризации, утомляемость', ['cond-hypothyroid'])

condition('cond-myopia', -1010, 'H52.1', 'Миопия', 'pr-ophthalmologist', 'enc-1010',
          category='problem-list-item', note='Миопия слабой степени обоих глаз: OD −1,75 D, OS −2,0 D.')
encounter('enc-1010', -1010, '15:30', 20, 'pr-ophthalmologist', POLY, 'Консультация',
          'Снижение зрения вдаль', ['cond-myopia'])

condition('cond-caries', -905, 'K02.1', 'Кариес дентина', 'pr-dentist', 'enc-905', resolved_at=-905)
encounter('enc-905', -905, '17:10', 50, 'pr-dentist', POLY, 'Процедура',
          'Боль при приёме холодного, зуб 2.6', ['cond-caries'])

condition('cond-bronchitis', -832, 'J20.9', 'Острый бронхит неуточнённый', 'pr-therapist', 'enc-832', resolved_at=-818)
encounter('enc-832', -832, '09:20', 20, 'pr-therapist', POLY, 'Консультация',
          'Кашель с мокротой, температура 38,1 °C', ['cond-bronchitis'])

encounter('enc-720', -720, '11:30', 20, 'pr-endocrinologist', POLY, 'Консультация',
          'Плановый контроль, подбор дозы левотироксина', ['cond-hypothyroid'])

condition('cond-gastritis', -640, 'K29.7', 'Гастрит неуточнённый', 'pr-therapist', 'enc-640',
          category='problem-list-item', note='ФГДС: поверхностный гастрит антрального отдела.')
encounter('enc-640', -640, '10:00', 25, 'pr-therapist', POLY, 'Консультация',
          'Боли в эпигастрии после еды, изжога', ['cond-gastritis'])

condition('cond-pneumonia', -472, 'J18.9', 'Пневмония неуточнённая', 'pr-pulmonologist', 'enc-472', resolved_at=-440)
encounter('enc-472', -472, '14:40', 60, 'pr-pulmonologist', HOSP, 'Госпитализация',
          'Внебольничная правосторонняя нижнедолевая пневмония, нетяжёлое течение', ['cond-pneumonia'],
          cls='IMP', end_n=-464, loc='loc-hosp',
          hospital={'admitSource': {'text': 'Направление поликлиники'},
                    'dischargeDisposition': {'text': 'Выписана домой на амбулаторное долечивание'}})

condition('cond-dispanser-2', -436, 'Z00.0', 'Общий медицинский осмотр', 'pr-therapist', 'enc-436', resolved_at=-436)
encounter('enc-436', -436, '08:30', 40, 'pr-therapist', POLY, 'Профилактика',
          'Диспансеризация, контроль после пневмонии', ['cond-dispanser-2'])

condition('cond-anemia', -378, 'D50.9', 'Железодефицитная анемия неуточнённая', 'pr-therapist', 'enc-378', resolved_at=-205)
encounter('enc-378', -378, '10:40', 20, 'pr-therapist', POLY, 'Консультация',
          'Слабость, выпадение волос; гемоглобин 108 г/л', ['cond-anemia'])

condition('cond-hypertension', -360, 'I10', 'Эссенциальная (первичная) гипертензия', 'pr-cardiologist', 'enc-360',
          category='problem-list-item', note='АД 148/96 мм рт. ст. при повторных измерениях. Целевое АД < 130/80.')
encounter('enc-360', -360, '13:15', 30, 'pr-cardiologist', POLY, 'Консультация',
          'Головные боли, повышение АД до 150/95 мм рт. ст.', ['cond-hypertension'])

condition('cond-lowback', -298, 'M54.5', 'Боль внизу спины', 'pr-neurologist', 'enc-298', resolved_at=-280)
encounter('enc-298', -298, '16:00', 25, 'pr-neurologist', POLY, 'Консультация',
          'Боль в пояснице после подъёма тяжести', ['cond-lowback'])

encounter('enc-205', -205, '18:00', 20, 'pr-endocrinologist', POLY, 'Консультация',
          'Телемедицинская консультация: результаты ТТГ', ['cond-hypothyroid'], cls='VR', loc='loc-telemed')

condition('cond-orvi-2', -121, 'J06.9', 'Острая инфекция верхних дыхательных путей неуточнённая',
          'pr-therapist', 'enc-121', resolved_at=-114)
encounter('enc-121', -121, '09:40', 20, 'pr-therapist', POLY, 'Консультация',
          'Насморк, першение в горле, температура 37,4 °C', ['cond-orvi-2'])

encounter('enc-60', -60, '09:20', 30, 'pr-cardiologist', POLY, 'Консультация',
          'Плановый контроль АД на фоне амлодипина', ['cond-hypertension'])

encounter('enc-30', -30, '14:00', 20, 'pr-ophthalmologist', POLY, 'Профилактика',
          'Ежегодный осмотр, подбор очков', ['cond-myopia'])

condition('cond-gastritis-exac', -16, 'K29.7', 'Гастрит неуточнённый', 'pr-therapist', 'enc-16')
encounter('enc-16', -16, '11:20', 20, 'pr-therapist', POLY, 'Консультация',
          'Обострение гастрита; направление к кардиологу на плановый контроль', ['cond-gastritis-exac', 'cond-hypertension'])

# Procedures (not the medical book) -------------------------------------------


def procedure(pid_, n, hm, code_text, pid, enc, outcome, snomed=None, loc=None):
    res = {
        'resourceType': 'Procedure', 'id': pid_, 'meta': meta(n, '19:00'),
        'status': 'completed',
        'code': {'text': code_text},
        'subject': ref(PATIENT),
        'encounter': ref('Encounter/' + enc),
        'performedDateTime': dt(n, hm),
        'performer': [{'actor': pref(pid)}],
        'outcome': {'text': outcome},
    }
    if snomed:
        res['code']['coding'] = [{'system': 'http://snomed.info/sct', 'code': snomed[0], 'display': snomed[1]}]
    return add(res)


procedure('proc-filling', -905, '17:20', 'Лечение кариеса, пломба зуба 2.6 (светоотверждаемый композит)',
          'pr-dentist', 'enc-905', 'Пломба установлена, рекомендован осмотр через 6 месяцев')
procedure('proc-fgds', -633, '08:30', 'Эзофагогастродуоденоскопия (ФГДС)', 'pr-therapist', 'enc-640',
          'Поверхностный гастрит антрального отдела, H. pylori — отрицательно')
procedure('proc-xray-chest', -472, '16:10', 'Рентгенография органов грудной клетки в двух проекциях',
          'pr-pulmonologist', 'enc-472', 'Инфильтрация в нижней доле правого лёгкого')

# Medical book (медкнижка) exams -------------------------------------------


def medbook(mid, n, hm, text, pid, outcome, until=None):
    res = {
        'resourceType': 'Procedure', 'id': mid, 'meta': meta(n, '19:30'),
        'status': 'completed',
        'category': {'coding': [{'system': CS_RECORD_KIND, 'code': 'medbook-exam',
                                 'display': 'Периодический осмотр (медкнижка)'}],
                     'text': 'Медицинская книжка'},
        'code': {'text': text},
        'subject': ref(PATIENT),
        'performedDateTime': dt(n, hm),
        'performer': [{'actor': pref(pid), 'onBehalfOf': ref(POLY, 'ГП № 247')}],
        'reasonCode': [{'text': 'Периодический медицинский осмотр работника образовательной организации'}],
        'outcome': {'text': outcome},
        'note': [{'text': 'Запись подписана УКЭП врача'}],
    }
    if until is not None:
        res['extension'] = [valid_until(until)]
    add(res)
    add({
        'resourceType': 'Provenance', 'id': 'prov-' + mid, 'meta': meta(n, '19:31'),
        'target': [ref('Procedure/' + mid)],
        'recorded': inst(n, '19:31'),
        'activity': cc('http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion', 'LA', 'legally authenticated'),
        'agent': [{'type': cc('http://terminology.hl7.org/CodeSystem/provenance-participant-type', 'author', 'Author'),
                   'who': pref(pid), 'onBehalfOf': ref(POLY)}],
        'signature': [{'type': [{'system': 'urn:iso-astm:E1762-95:2013', 'code': '1.2.840.10065.1.12.1.1',
                                 'display': "Author's Signature"}],
                       'when': inst(n, '19:31'), 'who': pref(pid), 'sigFormat': 'application/pkcs7-signature'}],
    })


# Superseded rounds carry no valid-until: only the current round is "due".
for rnd, base in (('r1', -705), ('r2', -340)):
    until = 25 if rnd == 'r2' else None
    medbook('medbook-%s-fluoro' % rnd, base - 3, '08:15', 'Флюорография органов грудной клетки', 'pr-radiologist',
            'Лёгкие и сердце без видимой патологии', until)
    medbook('medbook-%s-derm' % rnd, base - 2, '12:40', 'Осмотр дерматовенеролога', 'pr-dermatologist',
            'Кожные покровы и видимые слизистые без патологии. Противопоказаний к работе нет', until)
    medbook('medbook-%s-dent' % rnd, base - 1, '15:20', 'Осмотр стоматолога', 'pr-dentist',
            'Полость рта санирована', until)
    medbook('medbook-%s-therapist' % rnd, base, '10:10', 'Осмотр терапевта (заключение периодического осмотра)',
            'pr-therapist', 'Медицинских противопоказаний к работе не выявлено. Годна к работе учителем. '
            'Рекомендовано: контроль АД, ТТГ', until)

# Lab results ---------------------------------------------------------------

# code: (LOINC, ru name, unit display, UCUM, low, high, decimals)
ANALYTES = {
    'hgb': ('718-7', 'Гемоглобин', 'г/л', 'g/L', 120, 140, 0),
    'rbc': ('789-8', 'Эритроциты', '×10¹²/л', '10*12/L', 3.7, 4.7, 2),
    'wbc': ('6690-2', 'Лейкоциты', '×10⁹/л', '10*9/L', 4.0, 9.0, 1),
    'plt': ('777-3', 'Тромбоциты', '×10⁹/л', '10*9/L', 180, 320, 0),
    'hct': ('4544-3', 'Гематокрит', '%', '%', 36, 42, 1),
    'esr': ('4537-7', 'СОЭ (по Вестергрену)', 'мм/ч', 'mm/h', 2, 15, 0),
    'glu': ('14749-6', 'Глюкоза', 'ммоль/л', 'mmol/L', 4.1, 5.9, 1),
    'crea': ('14682-9', 'Креатинин', 'мкмоль/л', 'umol/L', 44, 80, 0),
    'alt': ('1742-6', 'Аланинаминотрансфераза (АЛТ)', 'Ед/л', 'U/L', 7, 35, 0),
    'ast': ('1920-8', 'Аспартатаминотрансфераза (АСТ)', 'Ед/л', 'U/L', 13, 35, 0),
    'bil': ('14631-6', 'Билирубин общий', 'мкмоль/л', 'umol/L', 3.4, 20.5, 1),
    'chol': ('14647-2', 'Холестерин общий', 'ммоль/л', 'mmol/L', 3.0, 5.2, 2),
    'hdl': ('14646-4', 'Холестерин ЛПВП', 'ммоль/л', 'mmol/L', 1.2, 2.6, 2),
    'ldl': ('22748-8', 'Холестерин ЛПНП', 'ммоль/л', 'mmol/L', 1.0, 3.0, 2),
    'tg': ('14927-8', 'Триглицериды', 'ммоль/л', 'mmol/L', 0.4, 1.7, 2),
    'tsh': ('3016-3', 'Тиреотропный гормон (ТТГ)', 'мМЕ/л', 'm[IU]/L', 0.4, 4.0, 2),
    'ft4': ('14920-3', 'Тироксин свободный (свТ4)', 'пмоль/л', 'pmol/L', 9.0, 19.0, 1),
    'hba1c': ('4548-4', 'Гликированный гемоглобин (HbA1c)', '%', '%', 4.0, 6.0, 1),
    'ferr': ('2276-4', 'Ферритин', 'мкг/л', 'ug/L', 10, 120, 0),
}

PANELS = {
    'cbc': ({'coding': [{'system': LOINC, 'code': '58410-2', 'display': 'CBC panel - Blood by Automated count'}],
             'text': 'Общий анализ крови (ОАК)'}, ['hgb', 'rbc', 'wbc', 'plt', 'hct', 'esr']),
    'bio': ({'text': 'Биохимический анализ крови'}, ['glu', 'crea', 'alt', 'ast', 'bil']),
    'lipid': ({'coding': [{'system': LOINC, 'code': '57698-3', 'display': 'Lipid panel with direct LDL - Serum or Plasma'}],
               'text': 'Липидный профиль'}, ['chol', 'hdl', 'ldl', 'tg']),
    'thyroid': ({'text': 'Гормоны щитовидной железы (ТТГ, свТ4)'}, ['tsh', 'ft4']),
    'tsh': ({'coding': [{'system': LOINC, 'code': '3016-3', 'display': 'Thyrotropin [Units/volume] in Serum or Plasma'}],
             'text': 'Тиреотропный гормон (ТТГ)'}, ['tsh']),
    'glucose': ({'text': 'Глюкоза и гликированный гемоглобин'}, ['glu', 'hba1c']),
    'hba1c': ({'coding': [{'system': LOINC, 'code': '4548-4',
                           'display': 'Hemoglobin A1c/Hemoglobin.total in Blood'}],
               'text': 'Гликированный гемоглобин (HbA1c)'}, ['hba1c']),
    'ferritin': ({'text': 'Ферритин'}, ['ferr']),
}

INTERP_TEXT = {'L': ('Low', 'Ниже нормы'), 'H': ('High', 'Выше нормы'), 'N': ('Normal', 'В пределах нормы')}


def fmt_num(v, dec):
    return int(round(v)) if dec == 0 else round(v, dec)


def normal_value(key):
    _, _, _, _, lo, hi, dec = ANALYTES[key]
    span = hi - lo
    return fmt_num(rng.uniform(lo + 0.15 * span, hi - 0.2 * span), dec)


LAB_VALUES = {}   # (day, key) → value, for the PDF with the latest CBC


def quantity(v, unit, ucum):
    return {'value': v, 'unit': unit, 'system': UCUM, 'code': ucum}


def lab_report(n, panel, performer_org, overrides=None, enc=None, conclusion=None, interpreter='pr-labdoc'):
    overrides = overrides or {}
    code, keys = PANELS[panel]
    rid = 'dr-%s-%d' % (panel, -n)
    results = []
    for key in keys:
        loinc, name, unit, ucum, lo, hi, dec = ANALYTES[key]
        v = overrides.get(key)
        v = normal_value(key) if v is None else v
        LAB_VALUES[(n, key)] = v
        interp = 'L' if v < lo else ('H' if v > hi else 'N')
        oid = 'obs-%s-%d' % (key, -n)
        obs = {
            'resourceType': 'Observation', 'id': oid, 'meta': meta(n + 1, '15:%02d' % rng.randrange(60)),
            'status': 'final',
            'category': [cc(OBS_CAT, 'laboratory', 'Laboratory', 'Лабораторные исследования')],
            'code': {'coding': [{'system': LOINC, 'code': loinc}], 'text': name},
            'subject': ref(PATIENT),
            'effectiveDateTime': dt(n, '08:%02d' % (10 + rng.randrange(30))),
            'issued': inst(n + 1, '14:30'),
            'performer': [ref(performer_org)],
            'valueQuantity': quantity(v, unit, ucum),
            'interpretation': [{'coding': [{'system': V3_INTERP, 'code': interp, 'display': INTERP_TEXT[interp][0]}],
                                'text': INTERP_TEXT[interp][1]}],
            'referenceRange': [{'low': quantity(lo, unit, ucum), 'high': quantity(hi, unit, ucum),
                                'text': '%s–%s %s' % (str(lo).replace('.', ','), str(hi).replace('.', ','), unit)}],
        }
        if enc:
            obs['encounter'] = ref('Encounter/' + enc)
        add(obs)
        results.append(ref('Observation/' + oid, name))
    rep = {
        'resourceType': 'DiagnosticReport', 'id': rid, 'meta': meta(n + 1, '15:59'),
        'status': 'final',
        'category': [cc('http://terminology.hl7.org/CodeSystem/v2-0074', 'LAB', 'Laboratory', 'Лаборатория')],
        'code': code,
        'subject': ref(PATIENT),
        'effectiveDateTime': dt(n, '08:10'),
        'issued': inst(n + 1, '14:30'),
        'performer': [ref(performer_org)],
        'resultsInterpreter': [pref(interpreter)],
        'result': results,
    }
    if enc:
        rep['encounter'] = ref('Encounter/' + enc)
    if conclusion:
        rep['conclusion'] = conclusion
    add(rep)
    return rid


lab_report(-1203, 'cbc', LAB)
lab_report(-1203, 'thyroid', LAB, {'tsh': 8.21, 'ft4': 8.4}, conclusion='ТТГ повышен, свТ4 снижен')
lab_report(-1203, 'glucose', LAB)
lab_report(-1105, 'tsh', LAB, {'tsh': 5.12}, conclusion='ТТГ выше нормы на фоне начала терапии')
lab_report(-834, 'cbc', LAB, {'wbc': 11.2, 'esr': 24}, conclusion='Лейкоцитоз, ускорение СОЭ')
lab_report(-722, 'thyroid', LAB, {'tsh': 2.31, 'ft4': 13.6})
lab_report(-472, 'cbc', HOSP, {'wbc': 13.6, 'esr': 38, 'plt': 342}, enc='enc-472', interpreter='pr-pulmonologist',
           conclusion='Лейкоцитоз, тромбоцитоз, ускорение СОЭ')
lab_report(-439, 'bio', LAB)
lab_report(-439, 'lipid', LAB, {'chol': 5.94, 'ldl': 3.71}, conclusion='Гиперхолестеринемия')
lab_report(-380, 'cbc', LAB, {'hgb': 108, 'hct': 33.1, 'rbc': 3.61}, conclusion='Снижение гемоглобина')
lab_report(-380, 'ferritin', LAB, {'ferr': 6})
lab_report(-209, 'cbc', LAB, {'hgb': 126})
lab_report(-209, 'ferritin', LAB, {'ferr': 34})
lab_report(-209, 'tsh', LAB, {'tsh': 1.84})
lab_report(-76, 'bio', LAB, {'glu': 6.3})
lab_report(-76, 'lipid', LAB, {'chol': 5.48, 'ldl': 3.22, 'tg': 1.41})
lab_report(-76, 'hba1c', LAB, {'hba1c': 5.6})
lab_report(-19, 'cbc', LAB)
lab_report(-19, 'thyroid', LAB, {'tsh': 4.62}, conclusion='ТТГ незначительно выше нормы')
lab_report(-3, 'ferritin', LAB, {'ferr': 41})

# Vital signs ---------------------------------------------------------------


def vital(vid, n, hm, enc, pid, kind, values):
    res = {
        'resourceType': 'Observation', 'id': vid, 'meta': meta(n, '18:30'),
        'status': 'final',
        'category': [cc(OBS_CAT, 'vital-signs', 'Vital Signs', 'Показатели жизнедеятельности')],
        'subject': ref(PATIENT), 'encounter': ref('Encounter/' + enc),
        'effectiveDateTime': dt(n, hm), 'performer': [pref(pid)],
    }
    if kind == 'bp':
        sys_v, dia_v = values
        interp = 'H' if sys_v >= 140 or dia_v >= 90 else 'N'
        res['code'] = {'coding': [{'system': LOINC, 'code': '85354-9', 'display': 'Blood pressure panel'}],
                       'text': 'Артериальное давление'}
        res['component'] = [
            {'code': {'coding': [{'system': LOINC, 'code': '8480-6', 'display': 'Systolic blood pressure'}],
                      'text': 'Систолическое'}, 'valueQuantity': quantity(sys_v, 'мм рт. ст.', 'mm[Hg]')},
            {'code': {'coding': [{'system': LOINC, 'code': '8462-4', 'display': 'Diastolic blood pressure'}],
                      'text': 'Диастолическое'}, 'valueQuantity': quantity(dia_v, 'мм рт. ст.', 'mm[Hg]')},
        ]
        res['interpretation'] = [{'coding': [{'system': V3_INTERP, 'code': interp, 'display': INTERP_TEXT[interp][0]}],
                                  'text': INTERP_TEXT[interp][1]}]
    elif kind == 'weight':
        res['code'] = {'coding': [{'system': LOINC, 'code': '29463-7', 'display': 'Body weight'}], 'text': 'Масса тела'}
        res['valueQuantity'] = quantity(values, 'кг', 'kg')
    elif kind == 'height':
        res['code'] = {'coding': [{'system': LOINC, 'code': '8302-2', 'display': 'Body height'}], 'text': 'Рост'}
        res['valueQuantity'] = quantity(values, 'см', 'cm')
    elif kind == 'hr':
        res['code'] = {'coding': [{'system': LOINC, 'code': '8867-4', 'display': 'Heart rate'}], 'text': 'Пульс'}
        res['valueQuantity'] = quantity(values, 'уд/мин', '/min')
    add(res)


vital('vs-height-1200', -1200, '08:45', 'enc-1200', 'pr-therapist', 'height', 167)
vital('vs-weight-1200', -1200, '08:46', 'enc-1200', 'pr-therapist', 'weight', 63.5)
vital('vs-bp-1200', -1200, '08:48', 'enc-1200', 'pr-therapist', 'bp', (122, 78))
vital('vs-weight-436', -436, '08:35', 'enc-436', 'pr-therapist', 'weight', 66.2)
vital('vs-bp-436', -436, '08:37', 'enc-436', 'pr-therapist', 'bp', (134, 86))
vital('vs-bp-360', -360, '13:20', 'enc-360', 'pr-cardiologist', 'bp', (148, 96))
vital('vs-hr-360', -360, '13:21', 'enc-360', 'pr-cardiologist', 'hr', 84)
vital('vs-weight-360', -360, '13:22', 'enc-360', 'pr-cardiologist', 'weight', 67.0)
vital('vs-bp-60', -60, '09:25', 'enc-60', 'pr-cardiologist', 'bp', (128, 82))
vital('vs-weight-60', -60, '09:26', 'enc-60', 'pr-cardiologist', 'weight', 65.4)

# Immunizations -------------------------------------------------------------


def immunization(iid, n, hm, vaccine, cvx, pid, lot, dose=None, until=None, site='Левое плечо',
                 route=('IM', 'Injection, intramuscular', 'Внутримышечно'), note=None):
    res = {
        'resourceType': 'Immunization', 'id': iid, 'meta': meta(n, '17:45'),
        'status': 'completed',
        'vaccineCode': {'coding': [{'system': CVX, 'code': cvx[0], 'display': cvx[1]}], 'text': vaccine},
        'patient': ref(PATIENT),
        'occurrenceDateTime': dt(n, hm),
        'recorded': dt(n, hm),
        'primarySource': True,
        'location': ref('Location/loc-gp-210'),
        'lotNumber': lot,
        'site': {'text': site},
        'route': cc('http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration', *route),
        'performer': [{'actor': pref(pid)}],
    }
    if dose:
        res['protocolApplied'] = [{'doseNumberPositiveInt': dose[0], 'seriesDosesPositiveInt': dose[1]}]
    if until is not None:
        res['extension'] = [valid_until(until)]
    if note:
        res['note'] = [{'text': note}]
    return add(res)


FLU = ('88', 'influenza virus vaccine, unspecified formulation')
immunization('imm-tdap', -3640, '10:00', 'АДС-М (анатоксин дифтерийно-столбнячный, с уменьшенным содержанием антигенов)',
             ('09', 'Td (adult), adsorbed'), 'pr-therapist', 'П-412-0714', until=10,
             site='Подлопаточная область', note='Ревакцинация каждые 10 лет')
immunization('imm-covid-1', -1240, '11:00', 'Гам-КОВИД-Вак (Спутник V), компонент I',
             ('213', 'SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION'), 'pr-therapist', 'II-650921', dose=(1, 2))
immunization('imm-covid-2', -1219, '11:10', 'Гам-КОВИД-Вак (Спутник V), компонент II',
             ('213', 'SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED FORMULATION'), 'pr-therapist', 'II-701134', dose=(2, 2))
immunization('imm-flu-1', -1196, '09:30', 'Совигрипп (вакцина гриппозная инактивированная)', FLU, 'pr-therapist', '741-0922')
immunization('imm-measles', -1060, '10:15', 'Вакцина коревая культуральная живая (ЖКВ)',
             ('05', 'measles virus vaccine'), 'pr-therapist', 'К-88-0521', site='Правое плечо',
             route=('SQ', 'Injection, subcutaneous', 'Подкожно'), note='Вторая доза, взрослые до 35 лет')
immunization('imm-hepb-1', -1015, '10:30', 'Регевак В (вакцина гепатита В рекомбинантная)',
             ('43', 'hepatitis B vaccine, adult dosage'), 'pr-therapist', 'Р-1102-23', dose=(1, 3))
immunization('imm-hepb-2', -985, '10:40', 'Регевак В (вакцина гепатита В рекомбинантная)',
             ('43', 'hepatitis B vaccine, adult dosage'), 'pr-therapist', 'Р-1102-23', dose=(2, 3))
immunization('imm-flu-2', -830, '09:10', 'Ультрикс Квадри (вакцина гриппозная четырёхвалентная)', FLU,
             'pr-therapist', 'У-203-1123')
immunization('imm-hepb-3', -835, '10:20', 'Регевак В (вакцина гепатита В рекомбинантная)',
             ('43', 'hepatitis B vaccine, adult dosage'), 'pr-therapist', 'Р-1317-24', dose=(3, 3))
immunization('imm-tbe-1', -410, '09:50', 'Клещ-Э-Вак (вакцина клещевого энцефалита)',
             ('77', 'tick-borne encephalitis vaccine'), 'pr-therapist', 'КЭ-245', dose=(1, 3))
immunization('imm-tbe-2', -382, '10:05', 'Клещ-Э-Вак (вакцина клещевого энцефалита)',
             ('77', 'tick-borne encephalitis vaccine'), 'pr-therapist', 'КЭ-263', dose=(2, 3))
immunization('imm-flu-3', -468, '09:45', 'Совигрипп (вакцина гриппозная инактивированная)', FLU,
             'pr-therapist', '812-0824')
immunization('imm-flu-4', -101, '09:20', 'Ультрикс Квадри (вакцина гриппозная четырёхвалентная)', FLU,
             'pr-therapist', 'У-377-0925', until=264, note='Ежегодная вакцинация')
immunization('imm-tbe-3', -34, '10:30', 'Клещ-Э-Вак (вакцина клещевого энцефалита)',
             ('77', 'tick-borne encephalitis vaccine'), 'pr-therapist', 'КЭ-418', dose=(3, 3), until=1061,
             note='Ревакцинация каждые 3 года')

# Allergies -----------------------------------------------------------------

add({
    'resourceType': 'AllergyIntolerance', 'id': 'allergy-penicillin', 'meta': meta(-1180, '12:00'),
    'clinicalStatus': cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
    'verificationStatus': cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
    'type': 'allergy', 'category': ['medication'], 'criticality': 'high',
    'code': {'coding': [{'system': ATC, 'code': 'J01C', 'display': 'Beta-lactam antibacterials, penicillins'}],
             'text': 'Пенициллины (амоксициллин, ампициллин)'},
    'patient': ref(PATIENT),
    'onsetDateTime': '2006',
    'recordedDate': dt(-1200, '08:50'),
    'recorder': pref('pr-therapist'),
    'note': [{'text': 'Со слов пациентки: в 2006 году после приёма амоксициллина — крапивница и отёк губ.'}],
    'reaction': [{'manifestation': [{'text': 'Крапивница'}, {'text': 'Ангионевротический отёк губ'}],
                  'severity': 'severe'}],
})
add({
    'resourceType': 'AllergyIntolerance', 'id': 'allergy-birch', 'meta': meta(-1000, '12:00'),
    'clinicalStatus': cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active', 'Active'),
    'verificationStatus': cc('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', 'confirmed', 'Confirmed'),
    'type': 'allergy', 'category': ['environment'], 'criticality': 'low',
    'code': {'text': 'Пыльца берёзы (Betula pendula)'},
    'patient': ref(PATIENT),
    'recordedDate': dt(-1010, '15:40'),
    'recorder': pref('pr-ophthalmologist'),
    'reaction': [{'manifestation': [{'text': 'Аллергический риноконъюнктивит'}], 'severity': 'mild',
                  'note': [{'text': 'Сезонно, апрель–май'}]}],
})

# Appointments and slots ----------------------------------------------------


def schedule(sid, pid, role, n_from, n_to):
    add({'resourceType': 'Schedule', 'id': sid, 'meta': meta(-30, '08:00'), 'active': True,
         'serviceType': [{'text': PRACT[pid][1]}],
         'actor': [ref('PractitionerRole/' + role, PRACT[pid][0]), pref(pid)],
         'planningHorizon': {'start': d(n_from), 'end': d(n_to)}})


schedule('sched-therapist', 'pr-therapist', 'role-therapist', -30, 30)
schedule('sched-cardiologist', 'pr-cardiologist', 'role-cardiologist', -30, 30)
schedule('sched-endocrinologist', 'pr-endocrinologist', 'role-endocrinologist', -30, 30)


def plus_minutes(hm, minutes):
    h, m = map(int, hm.split(':'))
    return '%02d:%02d' % divmod(h * 60 + m + minutes, 60)


def slot(sid, sched, n, hm, minutes, status='free'):
    add({'resourceType': 'Slot', 'id': sid, 'meta': meta(-2, '07:00'),
         'schedule': ref('Schedule/' + sched), 'status': status,
         'serviceType': [{'text': 'Приём'}],
         'start': dt(n, hm), 'end': dt(n, plus_minutes(hm, minutes))})


def booking_code():
    alphabet = 'ABCEHKMPTX'
    return '%s%d-%s%d%s' % (rng.choice(alphabet), rng.randrange(10), rng.choice(alphabet),
                            rng.randrange(10), rng.choice(alphabet)) + '%03d' % rng.randrange(1000)


def appointment(aid, status, n, hm, minutes, pid, loc, booked_n, reason, instruction=None, telemed=False,
                cancel=None, slot_id=None, enc=None, updated_n=None):
    pstatus = 'accepted'
    res = {
        'resourceType': 'Appointment', 'id': aid, 'meta': meta(updated_n if updated_n is not None else booked_n, '20:15'),
        'identifier': [{'system': SYS_BOOKING, 'value': booking_code()}],
        'status': status,
        'serviceCategory': [{'text': 'Телемедицина' if telemed else 'Амбулаторный приём'}],
        'serviceType': [{'text': 'Телемедицинская консультация' if telemed else 'Приём врача'}],
        'specialty': [{'text': PRACT[pid][1]}],
        'appointmentType': cc('http://terminology.hl7.org/CodeSystem/v2-0276',
                              'FOLLOWUP' if enc or telemed else 'ROUTINE',
                              'A follow up visit from a previous appointment' if enc or telemed else 'Routine appointment'),
        'reasonCode': [{'text': reason}],
        'description': '%s — %s' % (PRACT[pid][1], PRACT[pid][0]),
        'start': dt(n, hm), 'end': dt(n, plus_minutes(hm, minutes)), 'minutesDuration': minutes,
        'created': dt(booked_n, '20:14'),
        'participant': [
            {'actor': ref(PATIENT, 'Семёнова-Ларина А. П.'), 'required': 'required', 'status': pstatus},
            {'actor': pref(pid), 'required': 'required', 'status': 'accepted'},
            {'actor': ref('Location/' + loc), 'required': 'required', 'status': 'accepted'},
        ],
    }
    if instruction:
        res['patientInstruction'] = instruction
    if cancel:
        res['cancelationReason'] = cc('http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason',
                                      cancel[0], cancel[1], cancel[2])
    if slot_id:
        res['slot'] = [ref('Slot/' + slot_id)]
    if enc:
        res['comment'] = 'Визит состоялся'
    add(res)


DOCS = 'Паспорт, полис ОМС, результаты анализов'
appointment('appt-past-60', 'fulfilled', -60, '09:20', 30, 'pr-cardiologist', 'loc-gp-305', -74,
            'Плановый контроль АД', DOCS, enc='enc-60', updated_n=-60)
appointment('appt-past-30', 'fulfilled', -30, '14:00', 20, 'pr-ophthalmologist', 'loc-gp-318', -45,
            'Ежегодный осмотр', 'Паспорт, полис ОМС, очки', enc='enc-30', updated_n=-30)
appointment('appt-past-205', 'fulfilled', -205, '18:00', 20, 'pr-endocrinologist', 'loc-telemed', -212,
            'Обсуждение результатов ТТГ', 'Подключиться по ссылке за 5 минут до начала',
            telemed=True, enc='enc-205', updated_n=-205)
appointment('appt-noshow', 'noshow', -152, '16:40', 30, 'pr-dentist', 'loc-gp-112', -170,
            'Профилактический осмотр', 'Паспорт, полис ОМС', updated_n=-152)
appointment('appt-cancelled', 'cancelled', -95, '11:00', 20, 'pr-endocrinologist', 'loc-gp-401', -110,
            'Контроль ТТГ', DOCS, updated_n=-97,
            cancel=('pat', 'Patient', 'Отменено пациенткой: болезнь ребёнка'))
appointment('appt-cancelled-clinic', 'cancelled', -45, '15:20', 20, 'pr-neurologist', 'loc-gp-210', -55,
            'Повторный осмотр', DOCS, updated_n=-47,
            cancel=('prov', 'Provider', 'Отменено поликлиникой: врач на больничном'))
slot('slot-therapist-busy-1', 'sched-therapist', 1, '10:30', 20, 'busy')
appointment('appt-tomorrow', 'booked', 1, '10:30', 20, 'pr-therapist', 'loc-gp-210', -6,
            'Обострение гастрита: контроль лечения', DOCS, slot_id='slot-therapist-busy-1')
slot('slot-endo-busy-4', 'sched-endocrinologist', 4, '18:00', 20, 'busy')
appointment('appt-telemed', 'booked', 4, '18:00', 20, 'pr-endocrinologist', 'loc-telemed', -12,
            'Результаты ТТГ: коррекция дозы левотироксина',
            'Ссылка на видеоконсультацию придёт за 15 минут. Подготовьте результаты ТТГ и свТ4',
            telemed=True, slot_id='slot-endo-busy-4')
slot('slot-cardio-busy-7', 'sched-cardiologist', 7, '14:00', 30, 'busy')
appointment('appt-next-week', 'booked', 7, '14:00', 30, 'pr-cardiologist', 'loc-gp-305', -15,
            'Направление терапевта: контроль АД, ЭКГ', 'Паспорт, полис ОМС, направление, дневник АД',
            slot_id='slot-cardio-busy-7')
slot('slot-therapist-busy-21', 'sched-therapist', 21, '09:00', 20, 'busy')
appointment('appt-medbook', 'booked', 21, '09:00', 20, 'pr-therapist', 'loc-gp-210', -3,
            'Периодический медосмотр (медкнижка)', 'Паспорт, полис ОМС, личная медицинская книжка',
            slot_id='slot-therapist-busy-21')

for i, (sched, n, hm, minutes) in enumerate([
        ('sched-therapist', 1, '11:10', 20), ('sched-therapist', 2, '09:00', 20), ('sched-therapist', 2, '09:20', 20),
        ('sched-therapist', 3, '16:40', 20), ('sched-cardiologist', 5, '10:00', 30), ('sched-cardiologist', 8, '12:30', 30),
        ('sched-endocrinologist', 6, '11:40', 20), ('sched-endocrinologist', 9, '15:00', 20)]):
    slot('slot-free-%d' % (i + 1), sched, n, hm, minutes)

# Prescriptions -------------------------------------------------------------

PHARMACY_TEXT = 'Аптека «Здоровье+», г. Москва, ул. Енисейская, д. 20'


def med_request(mid, status, authored_n, drug, atc, dosage, pid, reason, stage=None, erx=None, pharmacy=None,
                validity=None, quantity_=None, status_reason=None, updated_n=None, timing=None):
    res = {
        'resourceType': 'MedicationRequest', 'id': mid,
        'meta': meta(updated_n if updated_n is not None else authored_n, '16:40'),
        'status': status, 'intent': 'order',
        'medicationCodeableConcept': {'coding': [{'system': ATC, 'code': atc[0], 'display': atc[1]}], 'text': drug},
        'subject': ref(PATIENT),
        'authoredOn': dt(authored_n, '11:45'),
        'requester': pref(pid),
        'reasonCode': [{'text': reason}],
        'dosageInstruction': [{'text': dosage, 'patientInstruction': dosage}],
    }
    if timing:
        res['dosageInstruction'][0]['timing'] = {'repeat': {'frequency': timing[0], 'period': 1, 'periodUnit': 'd'}}
        res['dosageInstruction'][0]['doseAndRate'] = [{'doseQuantity': {'value': timing[1], 'unit': 'таб.'}}]
    ext = []
    if stage:
        ext.append({'url': EXT_STAGE, 'valueCode': stage})
    if pharmacy:
        ext.append({'url': EXT_PHARMACY, 'valueString': pharmacy})
    if ext:
        res['extension'] = ext
    if erx:
        res['identifier'] = [{'system': SYS_ERX, 'value': erx}]
    if validity or quantity_:
        res['dispenseRequest'] = {}
        if validity:
            res['dispenseRequest']['validityPeriod'] = {'start': d(validity[0]), 'end': d(validity[1])}
        if quantity_:
            res['dispenseRequest']['quantity'] = {'value': quantity_, 'unit': 'таб.'}
    if status_reason:
        res['statusReason'] = {'text': status_reason}
    return add(res)


def erx_code():
    return '%02d%02d-%s-%s' % (rng.randrange(1, 90), rng.randrange(100), digits(6), digits(4))


med_request('rx-draft', 'draft', -1, 'Омепразол 20 мг, капсулы кишечнорастворимые',
            ('A02BC01', 'omeprazole'), 'По 1 капсуле 2 раза в день за 30 минут до еды, 14 дней',
            'pr-therapist', 'Гастрит, обострение', timing=(2, 1))
med_request('rx-signed', 'draft', -1, 'Левотироксин натрия 75 мкг, таблетки',
            ('H03AA01', 'levothyroxine sodium'), 'По 1 таблетке утром натощак, за 30 минут до завтрака',
            'pr-endocrinologist', 'Гипотиреоз', stage='signed', timing=(1, 1), quantity_=100)
add({
    'resourceType': 'Provenance', 'id': 'prov-rx-signed', 'meta': meta(-1, '16:41'),
    'target': [ref('MedicationRequest/rx-signed')],
    'recorded': inst(-1, '16:41'),
    'agent': [{'type': cc('http://terminology.hl7.org/CodeSystem/provenance-participant-type', 'author', 'Author'),
               'who': pref('pr-endocrinologist'), 'onBehalfOf': ref(POLY)}],
    'signature': [{'type': [{'system': 'urn:iso-astm:E1762-95:2013', 'code': '1.2.840.10065.1.12.1.1',
                             'display': "Author's Signature"}],
                   'when': inst(-1, '16:41'), 'who': pref('pr-endocrinologist'),
                   'sigFormat': 'application/pkcs7-signature'}],
})
med_request('rx-issued', 'active', -16, 'Амлодипин 5 мг, таблетки', ('C08CA01', 'amlodipine'),
            'По 1 таблетке 1 раз в день утром, длительно; контроль АД ежедневно', 'pr-cardiologist',
            'Эссенциальная гипертензия', erx=erx_code(), validity=(-16, 44), quantity_=30, timing=(1, 1))
med_request('rx-sent', 'active', -60, 'Индапамид 1,5 мг, таблетки с пролонгированным высвобождением',
            ('C03BA11', 'indapamide'), 'По 1 таблетке 1 раз в день утром', 'pr-cardiologist',
            'Эссенциальная гипертензия', stage='sent', erx=erx_code(), pharmacy=PHARMACY_TEXT,
            validity=(-60, 55), quantity_=30, updated_n=-58, timing=(1, 1))
med_request('rx-expiring', 'active', -28, 'Ребамипид 100 мг, таблетки', ('A02BX14', 'rebamipide'),
            'По 1 таблетке 3 раза в день, 4 недели', 'pr-therapist', 'Хронический гастрит',
            erx=erx_code(), validity=(-28, 2), quantity_=90, timing=(3, 1))
med_request('rx-expired', 'active', -70, 'Мелоксикам 7,5 мг, таблетки', ('M01AC06', 'meloxicam'),
            'По 1 таблетке 1 раз в день после еды, не более 5 дней', 'pr-neurologist', 'Боль внизу спины',
            erx=erx_code(), validity=(-70, -10), quantity_=20, timing=(1, 1))
med_request('rx-dispensed', 'completed', -378, 'Железа сульфат + аскорбиновая кислота (Сорбифер Дурулес), таблетки',
            ('B03AA07', 'ferrous sulfate'), 'По 1 таблетке 2 раза в день за 30 минут до еды, 3 месяца',
            'pr-therapist', 'Железодефицитная анемия', erx=erx_code(), validity=(-378, -318), quantity_=50,
            updated_n=-375, timing=(2, 1))
med_request('rx-dispensed-2', 'completed', -470, 'Левофлоксацин 500 мг, таблетки', ('J01MA12', 'levofloxacin'),
            'По 1 таблетке 1 раз в день, 7 дней (аллергия на пенициллины!)', 'pr-pulmonologist',
            'Внебольничная пневмония', erx=erx_code(), validity=(-470, -455), quantity_=10, updated_n=-469,
            timing=(1, 1))
med_request('rx-cancelled', 'cancelled', -360, 'Эналаприл 10 мг, таблетки', ('C09AA02', 'enalapril'),
            'По 1 таблетке 2 раза в день', 'pr-cardiologist', 'Эссенциальная гипертензия',
            erx=erx_code(), validity=(-360, -300), quantity_=60, updated_n=-345,
            status_reason='Аннулирован врачом: сухой кашель, замена на амлодипин', timing=(2, 1))

for mdid, rx, n, qty, drug in (('md-ferrum', 'rx-dispensed', -375, 50, 'Сорбифер Дурулес'),
                               ('md-levoflox', 'rx-dispensed-2', -469, 10, 'Левофлоксацин')):
    add({'resourceType': 'MedicationDispense', 'id': mdid, 'meta': meta(n, '13:05'),
         'status': 'completed',
         'medicationCodeableConcept': {'text': drug},
         'subject': ref(PATIENT),
         'performer': [{'actor': ref('Organization/org-pharmacy', 'Аптека «Здоровье+»')}],
         'authorizingPrescription': [ref('MedicationRequest/' + rx)],
         'quantity': {'value': qty, 'unit': 'таб.'},
         'whenHandedOver': dt(n, '13:05')})

# Documents ----------------------------------------------------------------

FILE_NAME_PREFIX = 'Семёнова-Ларина_Алёна_'


def document(did, n, filename, content_type, title_type, type_cc, author, custodian, description,
             enc=None, related=None):
    bid = 'bin-' + did[4:]
    path = 'files/' + filename
    add({'resourceType': 'Binary', 'id': bid, 'meta': meta(n, '12:30'),
         'contentType': content_type,
         'securityContext': ref('DocumentReference/' + did),
         'data': '@file(%s)' % path})
    ext = {'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png'}[content_type]
    res = {
        'resourceType': 'DocumentReference', 'id': did, 'meta': meta(n, '12:31'),
        'status': 'current', 'docStatus': 'final',
        'type': type_cc,
        'category': [{'text': title_type}],
        'subject': ref(PATIENT),
        'date': inst(n, '12:31'),
        'author': [author],
        'custodian': ref(custodian),
        'description': description,
        'content': [{'attachment': {
            'contentType': content_type, 'language': 'ru',
            'url': 'Binary/' + bid,
            'size': '@size(%s)' % path,
            'hash': '@sha1(%s)' % path,
            'title': FILE_NAME_PREFIX + title_type.replace(' ', '') + '.' + ext,
            'creation': dt(n, '12:00'),
        }}],
    }
    if enc or related:
        res['context'] = {}
        if enc:
            res['context']['encounter'] = [ref('Encounter/' + enc)]
        if related:
            res['context']['related'] = [ref(related)]
    add(res)


document('doc-vypiska', -464, 'vypiska-epikriz.pdf', 'application/pdf', 'Выписка',
         cc(LOINC, '18842-5', 'Discharge summary', 'Выписной эпикриз'), pref('pr-pulmonologist'), HOSP,
         'Выписной эпикриз из медицинской карты стационарного больного', enc='enc-472')
document('doc-analizy', -18, 'analizy-oak.pdf', 'application/pdf', 'Анализы',
         cc(LOINC, '11502-2', 'Laboratory report', 'Результаты анализов'), ref(LAB, 'Лаборатория «Вектор-Диагностика»'),
         LAB, 'Общий анализ крови', related='DiagnosticReport/dr-cbc-19')
document('doc-napravlenie', -16, 'napravlenie-kardiolog.pdf', 'application/pdf', 'Направление',
         cc(LOINC, '57133-1', 'Referral note', 'Направление на консультацию'), pref('pr-therapist'), POLY,
         'Направление к кардиологу (форма 057/у-04)', enc='enc-16')
document('doc-spravka', -121, 'spravka-bassein.pdf', 'application/pdf', 'Справка',
         {'text': 'Медицинская справка'}, pref('pr-therapist'), POLY,
         'Справка для посещения бассейна', enc='enc-121')
document('doc-privivki', -100, 'privivochny-sertifikat.jpg', 'image/jpeg', 'Сертификат',
         cc(LOINC, '11369-6', 'History of Immunization Narrative', 'Сертификат профилактических прививок'),
         pref('pr-therapist'), POLY, 'Сертификат профилактических прививок (форма 156/у-93), скан')
document('doc-polis', -1290, 'polis-oms.jpg', 'image/jpeg', 'Полис ОМС',
         cc(LOINC, '64290-0', 'Insurance card', 'Полис ОМС'), ref(PATIENT, 'Семёнова-Ларина А. П.'), POLY,
         'Полис обязательного медицинского страхования (выписка о едином номере), скан')
document('doc-fluoro', -343, 'fluorografiya.png', 'image/png', 'Флюорография',
         {'text': 'Заключение флюорографии'}, pref('pr-radiologist'), POLY,
         'Флюорография органов грудной клетки: заключение', related='Procedure/medbook-r2-fluoro')

# Consents and audit ------------------------------------------------------

CONSENT_CAT = {'coding': [{'system': LOINC, 'code': '59284-0', 'display': 'Patient Consent'}],
               'text': 'Согласие пациента'}


def consent(cid, status, n, text, org, actor_org, action, ptype='permit', period=None, updated_n=None):
    prov = {'type': ptype,
            'actor': [{'role': cc('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'IRCP',
                                  'information recipient'),
                       'reference': ref(actor_org)}],
            'action': [cc('http://terminology.hl7.org/CodeSystem/consentaction', action[0], action[1])]}
    if period:
        prov['period'] = {'start': d(period[0])}
        if period[1] is not None:
            prov['period']['end'] = d(period[1])
    add({'resourceType': 'Consent', 'id': cid, 'meta': meta(updated_n if updated_n is not None else n, '10:00'),
         'status': status,
         'scope': cc('http://terminology.hl7.org/CodeSystem/consentscope', 'patient-privacy', 'Privacy Consent'),
         'category': [CONSENT_CAT],
         'patient': ref(PATIENT),
         'dateTime': dt(n, '10:00'),
         'performer': [ref(PATIENT)],
         'organization': [ref(org)],
         'policyRule': cc(V3_ACT, 'OPTIN', 'opt-in', text),
         'provision': prov})


consent('consent-pd', 'active', -1290, 'Согласие на обработку персональных данных', POLY, POLY,
        ('collect', 'Collect'), period=(-1290, None))
consent('consent-employer', 'active', -340, 'Доступ работодателя к данным медицинской книжки', POLY,
        'Organization/org-employer', ('access', 'Access'), period=(-340, 25))
consent('consent-lab', 'active', -1205, 'Передача результатов анализов в поликлинику', LAB, POLY,
        ('disclose', 'Disclose'), period=(-1205, None))
consent('consent-hospital', 'inactive', -470, 'Доступ стационара к электронной медицинской карте', POLY, HOSP,
        ('access', 'Access'), period=(-470, -90), updated_n=-90)

AUDIT_READ = cc('http://terminology.hl7.org/CodeSystem/audit-event-type', 'rest', 'RESTful Operation')


def audit(aid, n, hm, who, what, subtype=('read', 'read'), action='R', ip='10.24.3.17', patient_login=False):
    res = {'resourceType': 'AuditEvent', 'id': aid, 'meta': meta(n, plus_minutes(hm, 1)),
           'recorded': inst(n, hm), 'action': action, 'outcome': '0',
           'agent': [{'who': who, 'requestor': True, 'network': {'address': ip, 'type': '2'}}],
           'source': {'observer': ref(POLY, 'ГП № 247')}}
    if patient_login:
        res['type'] = cc('http://dicom.nema.org/resources/ontology/DCM', '110114', 'User Authentication',
                         'Вход в личный кабинет')
        res['subtype'] = [{'system': 'http://dicom.nema.org/resources/ontology/DCM', 'code': '110122',
                           'display': 'Login'}]
        res['action'] = 'E'
    else:
        res['type'] = AUDIT_READ
        res['subtype'] = [{'system': 'http://hl7.org/fhir/restful-interaction', 'code': subtype[0],
                           'display': subtype[1]}]
        res['entity'] = [{'what': what}]
    add(res)


audit('audit-1', -18, '09:12', pref('pr-therapist'), ref('DiagnosticReport/dr-cbc-19', 'Общий анализ крови (ОАК)'))
audit('audit-2', -16, '11:25', pref('pr-therapist'), ref('DocumentReference/doc-analizy', 'Результаты анализов'))
audit('audit-3', -60, '09:22', pref('pr-cardiologist'), ref('Condition/cond-hypertension'))
audit('audit-4', -340, '10:05', ref('Organization/org-employer', 'Школа № 2089'),
      ref('Procedure/medbook-r2-therapist', 'Заключение периодического осмотра'), ip='10.77.8.40')
audit('audit-5', -2, '21:47', ref(PATIENT, 'Семёнова-Ларина А. П.'), None, ip='192.168.1.34', patient_login=True)
audit('audit-6', -1, '16:43', pref('pr-endocrinologist'), ref('DiagnosticReport/dr-thyroid-19', 'ТТГ, свТ4'),
      ip='10.24.3.52')

# ---------------------------------------------------------------- PDFs

# cp1251 codes → glyph names; Courier (every glyph 600 units wide, like the
# monospace fonts viewers substitute, which all have Cyrillic).
def _differences():
    names = []
    for code in range(0x80, 0x100):
        ch = bytes([code]).decode('cp1251', errors='replace')
        special = {'«': 'guillemotleft', '»': 'guillemotright', '—': 'emdash', '–': 'endash', '№': 'uni2116',
                   '\ufffd': '.notdef'}
        if ch in special:
            names.append(special[ch])
        elif ord(ch) < 0x80 or ch == '\xa0':
            names.append('space')
        else:
            names.append('uni%04X' % ord(ch))
    return '[128 ' + ' '.join('/' + n for n in names) + ']'


def _to_unicode_cmap():
    lines = []
    for code in range(0x20, 0x100):
        try:
            ch = bytes([code]).decode('cp1251')
        except UnicodeDecodeError:
            continue
        if code == 0x7f:
            continue
        lines.append('<%02X> <%04X>' % (code, ord(ch)))
    chunks = []
    for i in range(0, len(lines), 100):
        part = lines[i:i + 100]
        chunks.append('%d beginbfchar\n%s\nendbfchar' % (len(part), '\n'.join(part)))
    return ('/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n'
            '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n'
            '/CMapName /Medkarta-cp1251-UCS def\n/CMapType 2 def\n'
            '1 begincodespacerange\n<00> <FF>\nendcodespacerange\n' + '\n'.join(chunks) +
            '\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n')


def make_pdf(title, lines):
    """A one-page A4 PDF 1.4; lines = [(style, text)], style in 'h', 'b', 'n', ''."""
    content = ['BT', '/F2 13 Tf', '56 780 Td', '16 TL']
    first = True
    for style, text in lines:
        font, size, lead = {'h': ('/F2', 13, 18), 'b': ('/F2', 10, 14), 'n': ('/F1', 10, 14),
                            '': ('/F1', 10, 14)}[style]
        if not first:
            content.append('0 -%d Td' % lead)
        first = False
        content.append('%s %d Tf' % (font, size))
        content.append('<%s> Tj' % text.encode('cp1251').hex().upper())
    content.append('ET')
    stream = ('\n'.join(content) + '\n').encode('ascii')
    cmap = _to_unicode_cmap().encode('ascii')
    widths = '[' + ' '.join(['600'] * 224) + ']'
    title_hex = 'FEFF' + title.encode('utf-16-be').hex().upper()

    objs = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
        b'/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 8 0 R >>',
        ('<< /Type /Font /Subtype /Type1 /BaseFont /Courier /FirstChar 32 /LastChar 255 '
         '/Widths %s /Encoding 6 0 R /ToUnicode 7 0 R >>' % widths).encode('ascii'),
        ('<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /FirstChar 32 /LastChar 255 '
         '/Widths %s /Encoding 6 0 R /ToUnicode 7 0 R >>' % widths).encode('ascii'),
        ('<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences %s >>' % _differences()).encode('ascii'),
        b'<< /Length %d >>\nstream\n' % len(cmap) + cmap + b'endstream',
        b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'endstream',
        ('<< /Title <%s> /Producer (Medkarta gen-demo.py) >>' % title_hex).encode('ascii'),
    ]
    out = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % i + body + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n' % (len(objs) + 1)
    out += b'0000000000 65535 f \n'
    for off in offsets:
        out += b'%010d 00000 n \n' % off
    out += b'trailer\n<< /Size %d /Root 1 0 R /Info 9 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
    check_pdf(bytes(out))
    return bytes(out)


def check_pdf(data):
    """Every xref entry points at its 'N 0 obj'; startxref points at 'xref'."""
    m = re.search(rb'startxref\n(\d+)\n%%EOF\n$', data)
    assert m, 'no startxref'
    xref = int(m.group(1))
    assert data[xref:xref + 5] == b'xref\n'
    head = re.match(rb'xref\n0 (\d+)\n', data[xref:])
    count = int(head.group(1))
    pos = xref + head.end()
    for num in range(count):
        entry = data[pos:pos + 20]
        assert len(entry) == 20 and entry.endswith(b' \n'), entry
        pos += 20
        if num == 0:
            continue
        off = int(entry[:10])
        assert data[off:].startswith(b'%d 0 obj\n' % num), (num, off)
    for m in re.finditer(rb'<< /Length (\d+) >>\nstream\n', data):
        end = m.end() + int(m.group(1))
        assert data[end:end + 9] == b'endstream', 'bad stream length'


def fmt_lab(key, n):
    loinc, name, unit, ucum, lo, hi, dec = ANALYTES[key]
    v = LAB_VALUES[(n, key)]
    flag = '  L' if v < lo else ('  H' if v > hi else '')
    num = lambda x: str(x).replace('.', ',')
    unit = unit.replace('×10¹²', '10^12').replace('×10⁹', '10^9')
    return '%-26s %8s  %-9s %s–%s%s' % (name[:26], num(v), unit, num(lo), num(hi), flag)


PDFS = {
    'vypiska-epikriz.pdf': ('Выписной эпикриз', [
        ('h', 'ГБУЗ «ГКБ № 58 ДЗМ»'),
        ('n', 'Терапевтическое отделение № 2'),
        ('', ''),
        ('h', 'ВЫПИСНОЙ ЭПИКРИЗ'),
        ('n', 'из медицинской карты стационарного больного'),
        ('', ''),
        ('b', 'Пациент: Семёнова-Ларина Алёна Петровна, 1988 г. р.'),
        ('n', 'Длительность госпитализации: 8 койко-дней'),
        ('n', 'Диагноз: J18.9 Внебольничная правосторонняя нижнедолевая'),
        ('n', '         пневмония, нетяжёлое течение.'),
        ('n', 'Аллергия: пенициллины (крапивница, отёк губ).'),
        ('', ''),
        ('b', 'Проведено лечение:'),
        ('n', ' - левофлоксацин 500 мг 1 раз в день, 7 дней;'),
        ('n', ' - дыхательная гимнастика, муколитики.'),
        ('', ''),
        ('b', 'Состояние при выписке: удовлетворительное.'),
        ('n', 'Рентген-контроль: положительная динамика.'),
        ('', ''),
        ('b', 'Рекомендации:'),
        ('n', ' - наблюдение терапевта по месту жительства;'),
        ('n', ' - ОАК и рентгенография через 4 недели;'),
        ('n', ' - вакцинация против гриппа ежегодно.'),
        ('', ''),
        ('n', 'Лечащий врач: Белова С. М. (пульмонолог)'),
        ('n', 'Документ подписан усиленной квалифицированной ЭП.'),
    ]),
    'napravlenie-kardiolog.pdf': ('Направление к кардиологу', [
        ('h', 'ГБУЗ «ГП № 247 ДЗМ»'),
        ('n', 'Медицинская документация, форма № 057/у-04'),
        ('', ''),
        ('h', 'НАПРАВЛЕНИЕ'),
        ('n', 'на консультацию к врачу-кардиологу'),
        ('', ''),
        ('b', 'Пациент: Семёнова-Ларина Алёна Петровна, 1988 г. р.'),
        ('n', 'Полис ОМС: %s' % PATIENT_OMS),
        ('n', 'СНИЛС: %s-%s-%s %s' % (PATIENT_SNILS[:3], PATIENT_SNILS[3:6], PATIENT_SNILS[6:9], PATIENT_SNILS[9:])),
        ('', ''),
        ('n', 'Диагноз: I10 Эссенциальная (первичная) гипертензия'),
        ('n', 'Цель: контроль АД, коррекция терапии, ЭКГ.'),
        ('n', 'Принимает: амлодипин 5 мг, индапамид 1,5 мг.'),
        ('n', 'Сопутствующие: E03.9 гипотиреоз, K29.7 гастрит.'),
        ('', ''),
        ('n', 'Врач: Кузнецова И. В. (терапевт участковый)'),
        ('n', 'Документ подписан усиленной квалифицированной ЭП.'),
    ]),
    'spravka-bassein.pdf': ('Справка для посещения бассейна', [
        ('h', 'ГБУЗ «ГП № 247 ДЗМ»'),
        ('', ''),
        ('h', 'МЕДИЦИНСКАЯ СПРАВКА'),
        ('n', 'для посещения плавательного бассейна'),
        ('', ''),
        ('b', 'Выдана: Семёнова-Ларина Алёна Петровна, 1988 г. р.'),
        ('', ''),
        ('n', 'По результатам осмотра терапевта и дерматовенеролога'),
        ('n', 'противопоказаний к посещению бассейна не выявлено.'),
        ('n', 'Кожные покровы чистые, заразных заболеваний нет.'),
        ('', ''),
        ('n', 'Справка действительна 6 месяцев с даты выдачи.'),
        ('', ''),
        ('n', 'Врач: Кузнецова И. В. (терапевт участковый)'),
    ]),
}


def analizy_pdf():
    n = -19
    lines = [
        ('h', 'Лаборатория «Вектор-Диагностика»'),
        ('n', 'ООО «Лаборатория «Вектор-Диагностика», г. Москва'),
        ('', ''),
        ('h', 'РЕЗУЛЬТАТЫ ИССЛЕДОВАНИЯ'),
        ('n', 'Общий анализ крови (ОАК), венозная кровь'),
        ('', ''),
        ('b', 'Пациент: Семёнова-Ларина Алёна Петровна, 1988 г. р.'),
        ('', ''),
        ('b', '%-26s %8s  %-9s %s' % ('Показатель', 'Результат', 'Ед.', 'Норма')),
    ]
    for key in PANELS['cbc'][1]:
        lines.append(('n', fmt_lab(key, n)))
    lines += [('', ''), ('n', 'L/H — ниже/выше референсного интервала.'),
              ('', ''), ('n', 'Врач КЛД: Соколова М. А.'),
              ('n', 'Результаты не являются диагнозом; обратитесь к врачу.')]
    return make_pdf('Результаты анализов: ОАК', lines)


# ---------------------------------------------------------------- images


def draw_images():
    """Scanned-looking pages, drawn once with ImageMagick (needs DejaVu fonts)."""
    font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
    bold = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'

    def page(out, w, h, lines, bg='#f3efe4', quality=None, extra=()):
        args = ['convert', '-size', '%dx%d' % (w, h), 'xc:' + bg, '-fill', '#26262b']
        y = 48
        for style, text in lines:
            size = {'h': 20, 'b': 14, 'n': 13, '': 13}[style]
            args += ['-font', bold if style in ('h', 'b') else font, '-pointsize', str(size),
                     '-annotate', '+36+%d' % y, text]
            y += size + 12
        args += list(extra)
        if quality:
            args += ['-seed', '4', '-attenuate', '0.25', '+noise', 'Gaussian']
        args += ['-rotate', '0.7', '-gravity', 'center', '-crop', '%dx%d+0+0' % (w - 16, h - 16),
                 '+repage', '-strip']
        if quality:
            args += ['-sampling-factor', '4:2:0', '-quality', str(quality)]
        else:
            args += ['-colors', '16', '-depth', '8', '-define', 'png:compression-level=9']
        args.append(out if quality else 'PNG8:' + out)
        subprocess.run(args, check=True)

    page(os.path.join(FILES_DIR, 'privivochny-sertifikat.jpg'), 560, 720, [
        ('h', 'СЕРТИФИКАТ'),
        ('b', 'о профилактических прививках'),
        ('n', 'Учётная форма № 156/у-93'),
        ('', ''),
        ('b', 'Семёнова-Ларина Алёна Петровна'),
        ('n', 'Дата рождения: 17.04.1988'),
        ('', ''),
        ('b', 'Прививки против гриппа:'),
        ('n', 'Совигрипп — серия 741-0922'),
        ('n', 'Ультрикс Квадри — серия У-203-1123'),
        ('n', 'Совигрипп — серия 812-0824'),
        ('n', 'Ультрикс Квадри — серия У-377-0925'),
        ('b', 'Против дифтерии и столбняка:'),
        ('n', 'АДС-М — серия П-412-0714'),
        ('b', 'Против кори:'),
        ('n', 'ЖКВ — серия К-88-0521'),
        ('b', 'Против гепатита B:'),
        ('n', 'Регевак В — 3 дозы'),
        ('b', 'Против COVID-19:'),
        ('n', 'Гам-КОВИД-Вак — 2 компонента'),
        ('', ''),
        ('n', 'ГБУЗ «ГП № 247 ДЗМ»   М. П.'),
    ], quality=55)
    page(os.path.join(FILES_DIR, 'polis-oms.jpg'), 640, 420, [
        ('h', 'ПОЛИС'),
        ('b', 'обязательного медицинского страхования'),
        ('', ''),
        ('b', 'Единый номер полиса: %s %s %s %s' % (PATIENT_OMS[:4], PATIENT_OMS[4:8], PATIENT_OMS[8:12],
                                                    PATIENT_OMS[12:])),
        ('n', 'Фамилия: Семёнова-Ларина'),
        ('n', 'Имя: Алёна   Отчество: Петровна'),
        ('n', 'Пол: Ж   Дата рождения: 17.04.1988'),
        ('', ''),
        ('n', 'Страховая медицинская организация:'),
        ('n', 'АО «Страховая компания «Медстрах-М»'),
        ('n', 'Срок действия: бессрочно'),
    ], bg='#e8eef2', quality=55)
    page(os.path.join(FILES_DIR, 'fluorografiya.png'), 520, 380, [
        ('h', 'ФЛЮОРОГРАФИЯ'),
        ('n', 'органов грудной клетки, прямая проекция'),
        ('', ''),
        ('b', 'Семёнова-Ларина А. П., 1988 г. р.'),
        ('n', 'Эффективная доза: 0,03 мЗв'),
        ('', ''),
        ('b', 'Заключение:'),
        ('n', 'Лёгкие и сердце без видимой патологии.'),
        ('', ''),
        ('n', 'Врач-рентгенолог: Жукова Т. Н.'),
    ], bg='#ffffff')

# ---------------------------------------------------------------- main


TOKEN_RE = re.compile(r'^@(date\([+-]?\d+\)|(datetime|instant)\([+-]?\d+, \d\d:\d\d\)|'
                      r'(file|size|sha1)\(files/[A-Za-z0-9._-]+\))$')


def check_tokens(node):
    if isinstance(node, dict):
        for v in node.values():
            check_tokens(v)
    elif isinstance(node, list):
        for v in node:
            check_tokens(v)
    elif isinstance(node, str) and node.startswith('@'):
        assert TOKEN_RE.match(node), 'bad token ' + node


def main():
    os.makedirs(FILES_DIR, exist_ok=True)
    for name, (title, lines) in PDFS.items():
        with open(os.path.join(FILES_DIR, name), 'wb') as f:
            f.write(make_pdf(title, lines))
    with open(os.path.join(FILES_DIR, 'analizy-oak.pdf'), 'wb') as f:
        f.write(analizy_pdf())
    if '--images' in sys.argv[1:]:
        draw_images()

    ids = set()
    for r in resources:
        key = (r['resourceType'], r['id'])
        assert key not in ids, key
        ids.add(key)
        assert r['meta']['versionId'] == '1' and r['meta']['lastUpdated']
    bundle = {'resourceType': 'Bundle', 'id': 'medkarta-demo-card',
              'meta': {'lastUpdated': inst(-1, '23:00')},
              'type': 'collection', 'timestamp': inst(-1, '23:00'),
              'entry': [{'resource': r} for r in resources]}
    check_tokens(bundle)
    files = set(re.findall(r'@file\((files/[^)]+)\)', json.dumps(bundle, ensure_ascii=False)))
    for path in files:
        assert os.path.exists(os.path.join(DEMO_DIR, path)), path + ' missing: run with --images'
    with open(os.path.join(DEMO_DIR, 'demo-card.json'), 'w', encoding='utf-8') as f:
        json.dump(bundle, f, ensure_ascii=False, indent=1)
        f.write('\n')
    counts = {}
    for r in resources:
        counts[r['resourceType']] = counts.get(r['resourceType'], 0) + 1
    print(' '.join('%s=%d' % kv for kv in sorted(counts.items())), file=sys.stderr)


if __name__ == '__main__':
    main()
