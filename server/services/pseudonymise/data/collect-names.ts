// Where the detector's names come from (run `npm run names:generate` to write ./names.ts again):
// @faker-js/faker's locale data (MIT): German and
// English, and the Latin-script locales of the families clinicians in Germany meet most (Turkish,
// Polish, Italian, Croatian and Serbian, Romanian, Czech, Slovak, Hungarian, Spanish, Portuguese,
// French, Dutch, Scandinavian, Vietnamese, Indonesian, Azerbaijani). Faker's lists are curated per
// locale and kept up to date there, which a list of our own would not be. A short supplement adds
// common transliterated Arabic, Persian, Kurdish, Afghan, Ukrainian, Russian and West African names,
// whose faker locales are in other scripts. Generated into a plain list rather than read at run
// time: faker's locale modules hold every category of 23 locales (streets, words, companies),
// megabytes of live heap that every full garbage collection would walk for nothing.
// One module per locale, so only these locales' data is loaded (the package root loads all of them).
import { faker as az } from '@faker-js/faker/locale/az'
import { faker as cs_CZ } from '@faker-js/faker/locale/cs_CZ'
import { faker as da } from '@faker-js/faker/locale/da'
import { faker as de } from '@faker-js/faker/locale/de'
import { faker as de_CH } from '@faker-js/faker/locale/de_CH'
import { faker as en } from '@faker-js/faker/locale/en'
import { faker as es } from '@faker-js/faker/locale/es'
import { faker as fi } from '@faker-js/faker/locale/fi'
import { faker as fr } from '@faker-js/faker/locale/fr'
import { faker as hr } from '@faker-js/faker/locale/hr'
import { faker as hu } from '@faker-js/faker/locale/hu'
import { faker as id_ID } from '@faker-js/faker/locale/id_ID'
import { faker as it } from '@faker-js/faker/locale/it'
import { faker as nb_NO } from '@faker-js/faker/locale/nb_NO'
import { faker as nl } from '@faker-js/faker/locale/nl'
import { faker as pl } from '@faker-js/faker/locale/pl'
import { faker as pt_PT } from '@faker-js/faker/locale/pt_PT'
import { faker as ro } from '@faker-js/faker/locale/ro'
import { faker as sk } from '@faker-js/faker/locale/sk'
import { faker as sr_RS_latin } from '@faker-js/faker/locale/sr_RS_latin'
import { faker as sv } from '@faker-js/faker/locale/sv'
import { faker as tr } from '@faker-js/faker/locale/tr'
import { faker as vi } from '@faker-js/faker/locale/vi'

const LOCALES = [
  de,
  de_CH,
  en,
  tr,
  pl,
  it,
  hr,
  sr_RS_latin,
  ro,
  cs_CZ,
  sk,
  hu,
  es,
  pt_PT,
  fr,
  nl,
  sv,
  da,
  nb_NO,
  fi,
  vi,
  id_ID,
  az,
]

/** Written for ClinAI: transliterations common in Germany whose faker locales use other scripts. */
const SUPPLEMENT_FIRST = (
  'Mohammed Mohamed Muhammad Mohammad Ahmad Ahmed Ali Omar Umar Hassan Hasan Hussein Husein Yusuf Youssef ' +
  'Ibrahim Mustafa Mahmoud Khaled Khalid Karim Samir Tarek Rami Bilal Jamal Nabil Walid Ziad Amir Reza ' +
  'Mehdi Hamid Dariush Farid Navid Arash Babak Kian Kourosh Omid Rostam Siamak Ferhat Baran Rojin Dilan ' +
  'Hevin Roza Zilan Berivan Shirin Leyla Layla Laila Fatima Fatma Aisha Aischa Amina Amira Nour Noor ' +
  'Yasmin Jasmin Zahra Zeynab Maryam Mariam Samira Salma Rana Hana Hiba Lina Dina Rania Soraya Parisa ' +
  'Shabnam Mina Nasrin Farah Mahsa Narges Sahar Zainab Habiba Khadija Rahim Wahid Nasir Jawad Sami ' +
  'Olena Oksana Iryna Tetiana Tetyana Natalia Nataliia Yulia Yuliia Svitlana Kateryna Anastasia Daria ' +
  'Mykola Oleksandr Oleksii Andrii Dmytro Serhii Volodymyr Yurii Taras Bohdan Vitalii Ivan Igor Sergei ' +
  'Dmitri Alexei Wladimir Vladimir Olga Tatjana Swetlana Ljudmila Galina Nikolai Pavel Juri Artem ' +
  'Chidi Chinedu Chiamaka Ngozi Emeka Obinna Adaeze Amara Kwame Kofi Ama Abena Yaw Akosua Oluwaseun ' +
  'Tunde Funmilayo Ayodele Babajide Abdou Moussa Mamadou Fatou Aminata Ousmane Seydou Ibrahima Awa ' +
  'Ayşe Ayse Hatice Emine Zeynep Elif Büşra Gül Gülsüm Şule Özlem Meryem Hüseyin Ömer Ümit Gökhan ' +
  'Dimitrios Dimitris Georgios Giorgos Konstantinos Nikolaos Nikos Ioannis Christos Panagiotis Eleni ' +
  'Katerina Vasiliki Sofia Despina Stavros Yannis Priya Anjali Arjun Rahul Ravi Sanjay Deepak Amit ' +
  'Sunita Pooja Neha Aarav Vikram Lakshmi Kavya Rohan Wei Li Ming Jun Hui Xiaoming Mei Ling Yan Jing ' +
  'Hiroshi Takeshi Kenji Yuki Haruto Sakura Aiko Yuto Hana Ren Siobhan Aoife Niamh Saoirse Ciara ' +
  'Sinead Róisín Eoin Cian Oisín Padraig Rhys Dafydd Gethin Cerys Bethan Angharad Iwan Morgan Callum ' +
  'Hamish Fiona Isla Ailsa Murdo Kirsty'
).split(' ')
const SUPPLEMENT_LAST = (
  'Al-Hassan Al-Sayed Abdullah Abdallah Haddad Khoury Nasser Mansour Saleh Salem Hamdan Aziz Rahman ' +
  'Hosseini Hosseinzadeh Ahmadi Mohammadi Rezaei Karimi Moradi Rostami Jafari Sadeghi Ebrahimi Azizi ' +
  'Kaya Demir Yilmaz Yıldız Aydın Öztürk Çelik Şahin Koç Arslan Doğan Kurt Özdemir Kılıç Güneş ' +
  'Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Koval Boyko Tkachuk Lysenko Marchenko ' +
  'Ivanov Ivanova Petrov Petrova Smirnov Smirnova Kuznetsov Popov Sokolov Volkov Morozov Novikov ' +
  'Okonkwo Okafor Adeyemi Adebayo Balogun Mensah Owusu Boateng Asante Diallo Traoré Traore Keita ' +
  'Coulibaly Ndiaye Diop Sow Camara Touré Nguyen Tran Pham Hoang Huynh Phan Vu Dang Bui Do Ngo'
).split(' ')

function collect(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) {
    for (const entry of value) {
      if (typeof entry !== 'string') continue
      // Some lists carry double names ("Adam Perl", "Anna-Lena"): each part counts on its own too.
      for (const part of entry.split(/[\s-]+/)) if (part.length >= 2) into.add(part)
      into.add(entry)
    }
  } else if (value && typeof value === 'object') {
    for (const nested of Object.values(value)) collect(nested, into)
  }
}

/** Every first and last name, sorted, without duplicates. */
export function collectNames(): { first: string[]; last: string[] } {
  const first = new Set<string>(SUPPLEMENT_FIRST)
  const last = new Set<string>(SUPPLEMENT_LAST)
  for (const locale of LOCALES) {
    collect(locale.rawDefinitions.person?.first_name, first)
    collect(locale.rawDefinitions.person?.last_name, last)
  }
  const sorted = (names: Set<string>) => [...names].filter((name) => !/[\n`$\\]/.test(name)).sort()
  return { first: sorted(first), last: sorted(last) }
}

/** The module ./names.ts, as `npm run names:generate` writes it. */
export function namesModule(): string {
  const { first, last } = collectNames()
  return [
    '// Generated by `npm run names:generate` from ./collect-names.ts (@faker-js/faker locale data,',
    '// MIT, and a supplement written for ClinAI). Do not edit; a test fails when it is out of date.',
    `export const FIRST_NAMES = \`${first.join('\n')}\``,
    `export const LAST_NAMES = \`${last.join('\n')}\``,
    '',
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs')
  writeFileSync(new URL('./names.ts', import.meta.url), namesModule())
}
